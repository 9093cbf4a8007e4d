-- The grading workflow: test weights and release state, course grading scales, and a history of
-- every change to a result. EXPAND-ONLY: the previous release keeps running on this schema during a
-- deploy (new columns have defaults, the new table is filled by a trigger that needs nothing from the
-- application, and a change made without an acting user is recorded with changedBy null).
-- One transaction: old code never sees a half-migrated table.
BEGIN;

-- CreateEnum
CREATE TYPE "HistoryAction" AS ENUM ('CREATE', 'UPDATE', 'DELETE');

-- AlterTable
ALTER TABLE "courses" ADD COLUMN     "gradingScale" JSONB NOT NULL DEFAULT '[{"letter": "A", "min": 900}, {"letter": "B", "min": 800}, {"letter": "C", "min": 700}, {"letter": "D", "min": 600}, {"letter": "F", "min": 0}]';

-- AlterTable
ALTER TABLE "tests" ADD COLUMN     "released" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "releasedAt" TIMESTAMP(3),
ADD COLUMN     "weight" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "test_result_history" (
    "id" SERIAL NOT NULL,
    "testId" INTEGER NOT NULL,
    "testResultId" INTEGER NOT NULL,
    "studentId" INTEGER NOT NULL,
    "action" "HistoryAction" NOT NULL,
    "oldResult" INTEGER,
    "newResult" INTEGER,
    "changedBy" INTEGER,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "test_result_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "test_result_history_testId_studentId_idx" ON "test_result_history"("testId", "studentId");

-- CreateIndex
CREATE INDEX "test_result_history_studentId_idx" ON "test_result_history"("studentId");

-- CreateIndex
CREATE INDEX "test_result_history_changedBy_idx" ON "test_result_history"("changedBy");

-- AddForeignKey
ALTER TABLE "test_result_history" ADD CONSTRAINT "test_result_history_testId_fkey" FOREIGN KEY ("testId") REFERENCES "tests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "test_result_history" ADD CONSTRAINT "test_result_history_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "test_result_history" ADD CONSTRAINT "test_result_history_changedBy_fkey" FOREIGN KEY ("changedBy") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Weights are relative, 0 (does not count) to 1000.
ALTER TABLE "tests" ADD CONSTRAINT "tests_weight_range" CHECK ("weight" BETWEEN 0 AND 1000);

-- Existing tests are released (the column default): they count as released when they were created.
UPDATE "tests" SET "releasedAt" = "createdAt" WHERE "released" AND "releasedAt" IS NULL;

-- releasedAt is the moment `released` last became true, whoever writes the row (old code included):
-- set on an insert or an update that releases, null while unreleased, read-only otherwise.
CREATE FUNCTION "tests_release_stamp"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT NEW."released" THEN
    NEW."releasedAt" := NULL;
  ELSIF TG_OP = 'INSERT' OR NOT OLD."released" THEN
    NEW."releasedAt" := now() AT TIME ZONE 'UTC';
  ELSE
    NEW."releasedAt" := OLD."releasedAt";
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "tests_release_stamp" BEFORE INSERT OR UPDATE ON "tests"
  FOR EACH ROW EXECUTE FUNCTION "tests_release_stamp"();

-- Every change of a result appends one history row in the same transaction. The acting user is the
-- transaction setting app.user_id (set_config('app.user_id', id, true)); unset (old code, psql) → null.
CREATE FUNCTION "test_results_history"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor integer := NULLIF(current_setting('app.user_id', true), '')::integer;
BEGIN
  -- An actor deleted meanwhile is recorded as null, like one deleted afterwards.
  actor := (SELECT "id" FROM "users" WHERE "id" = actor);
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "test_result_history" ("testId", "testResultId", "studentId", "action", "oldResult", "newResult", "changedBy", "changedAt")
    VALUES (NEW."testId", NEW."id", NEW."studentId", 'CREATE', NULL, NEW."result", actor, now() AT TIME ZONE 'UTC');
  ELSIF TG_OP = 'UPDATE' THEN
    -- Saving the same value (or only the grader changing to null) is not a change of the result.
    IF NEW."result" IS DISTINCT FROM OLD."result" THEN
      INSERT INTO "test_result_history" ("testId", "testResultId", "studentId", "action", "oldResult", "newResult", "changedBy", "changedAt")
      VALUES (NEW."testId", NEW."id", NEW."studentId", 'UPDATE', OLD."result", NEW."result", actor, now() AT TIME ZONE 'UTC');
    END IF;
  -- A result removed with its test or its student's account takes its history along (cascade):
  -- only a result deleted on its own gets a DELETE row.
  ELSIF EXISTS (SELECT 1 FROM "tests" WHERE "id" = OLD."testId") AND EXISTS (SELECT 1 FROM "users" WHERE "id" = OLD."studentId") THEN
    INSERT INTO "test_result_history" ("testId", "testResultId", "studentId", "action", "oldResult", "newResult", "changedBy", "changedAt")
    VALUES (OLD."testId", OLD."id", OLD."studentId", 'DELETE', OLD."result", NULL, actor, now() AT TIME ZONE 'UTC');
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "test_results_history" AFTER INSERT OR UPDATE OR DELETE ON "test_results"
  FOR EACH ROW EXECUTE FUNCTION "test_results_history"();

COMMIT;
