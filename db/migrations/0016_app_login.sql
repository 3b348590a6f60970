-- The API and the worker log in as polku_app. Until now they logged in as the owner
-- and switched with SET ROLE, which a RESET ROLE in the same session undid, giving
-- back the owner's rights (enough to disable the audit trigger). A login that is no
-- superuser, may not create roles or databases, owns nothing and belongs to no role
-- has nothing to go back to.
--
-- The role is shared by every database on the server, and an administrator may have
-- made it beforehand: it is changed only where it differs, so a role that is right
-- already needs no rights of the migrating user.
DO $$
DECLARE
    app pg_roles%ROWTYPE;
    changes text := '';
    memberships text;
BEGIN
    SELECT * INTO app FROM pg_roles WHERE rolname = 'polku_app';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the role polku_app does not exist, although migration 0001 made it'
            USING HINT = 'This database was restored without the server''s roles: restore '
                'them first (pg_dumpall --roles-only), then the database.';
    END IF;
    IF NOT app.rolcanlogin THEN changes := changes || ' LOGIN'; END IF;
    IF app.rolsuper THEN changes := changes || ' NOSUPERUSER'; END IF;
    IF app.rolcreaterole THEN changes := changes || ' NOCREATEROLE'; END IF;
    IF app.rolcreatedb THEN changes := changes || ' NOCREATEDB'; END IF;
    IF app.rolreplication THEN changes := changes || ' NOREPLICATION'; END IF;
    IF app.rolbypassrls THEN changes := changes || ' NOBYPASSRLS'; END IF;
    IF changes <> '' THEN
        BEGIN
            EXECUTE 'ALTER ROLE polku_app' || changes;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'the role polku_app needs%, and % may not change it', changes,
                current_user
                USING HINT = format('An administrator runs ALTER ROLE polku_app%s, or gives '
                    '%I CREATEROLE (or superuser, which NOSUPERUSER, NOREPLICATION and '
                    'NOBYPASSRLS need); then run polku migrate again.', changes, current_user);
        END;
    END IF;
    SELECT string_agg(quote_ident(r.rolname), ', ' ORDER BY r.rolname) INTO memberships
    FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
    WHERE m.member = app.oid;
    IF memberships IS NOT NULL THEN
        RAISE EXCEPTION 'the role polku_app belongs to %, whose rights it must not have',
            memberships
            USING HINT = format('An administrator runs REVOKE %s FROM polku_app; then run '
                'polku migrate again.', memberships);
    END IF;
END
$$;
