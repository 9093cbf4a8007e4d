-- Cross-instance invalidation of the credentials cache (src/auth/strategy.ts, docs/scaling.md).
-- Every row change that can make a cached credential stale announces itself on the channel
-- "credentials_changed". The database emits it, so no code path can forget it: not raw SQL, not a
-- cascade, not the previous release during a deploy. NOTIFY is delivered when the transaction
-- commits and never when it rolls back, so a listener evicts only what really changed.
-- Expand-only: a function and triggers; the previous release runs unchanged on top of it.
--
-- Payloads (JSON): {"token": id, "user": userId} for an API token, {"user": id} for a user,
-- {"all": true} after a TRUNCATE. What a credential holds: the API token's validity and expiration,
-- the user's existence and isAdmin (email too, for whoever caches it next). Enrollments are not
-- cached (authorization reads the caller's role with each request's own query), so they need no trigger.

CREATE FUNCTION "notify_credentials_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('credentials_changed', '{"all":true}');
  ELSIF TG_TABLE_NAME = 'tokens' THEN
    PERFORM pg_notify('credentials_changed', json_build_object('token', OLD."id", 'user', OLD."userId")::text);
  ELSE
    PERFORM pg_notify('credentials_changed', json_build_object('user', OLD."id")::text);
  END IF;
  RETURN NULL;
END
$$;

-- Logout, revocation of other sessions, expiry changes, deletes (also by the users cascade).
-- EMAIL tokens are never cached; inserts cannot make a cached entry stale.
CREATE TRIGGER "tokens_notify_credentials_update"
  AFTER UPDATE ON "tokens" FOR EACH ROW
  WHEN (OLD."type" = 'API' AND (OLD."valid" IS DISTINCT FROM NEW."valid"
                             OR OLD."expiration" IS DISTINCT FROM NEW."expiration"
                             OR OLD."userId" IS DISTINCT FROM NEW."userId"
                             OR OLD."type" IS DISTINCT FROM NEW."type"))
  EXECUTE FUNCTION "notify_credentials_changed"();

CREATE TRIGGER "tokens_notify_credentials_delete"
  AFTER DELETE ON "tokens" FOR EACH ROW
  WHEN (OLD."type" = 'API')
  EXECUTE FUNCTION "notify_credentials_changed"();

-- Account deletion, admin granted or withdrawn, email changed.
CREATE TRIGGER "users_notify_credentials_update"
  AFTER UPDATE ON "users" FOR EACH ROW
  WHEN (OLD."isAdmin" IS DISTINCT FROM NEW."isAdmin" OR OLD."email" IS DISTINCT FROM NEW."email")
  EXECUTE FUNCTION "notify_credentials_changed"();

CREATE TRIGGER "users_notify_credentials_delete"
  AFTER DELETE ON "users" FOR EACH ROW
  EXECUTE FUNCTION "notify_credentials_changed"();

CREATE TRIGGER "tokens_notify_credentials_truncate"
  AFTER TRUNCATE ON "tokens" FOR EACH STATEMENT
  EXECUTE FUNCTION "notify_credentials_changed"();

CREATE TRIGGER "users_notify_credentials_truncate"
  AFTER TRUNCATE ON "users" FOR EACH STATEMENT
  EXECUTE FUNCTION "notify_credentials_changed"();
