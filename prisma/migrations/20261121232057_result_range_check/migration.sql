-- Prisma's schema language has no CHECK constraints: keep grades in range in the database too,
-- so no code path (raw SQL, a future bug) can store 87.5 % as 8750.
ALTER TABLE "test_results" ADD CONSTRAINT "test_results_result_range" CHECK ("result" BETWEEN 0 AND 1000);
