-- A request's session and the person behind it in one round trip (it took two transactions: the session by
-- its token hash, then the staff member or portal user under the session's tenant). The function finds the
-- session the way the app could (the token-hash policy of 0004 shows it the one row its transaction names),
-- then sets that session's tenant for the rest of the transaction, so the staff member and roles (or the
-- portal user) are read under the ordinary tenant policy by its second statement. It runs as the caller
-- (SECURITY INVOKER): it can read nothing the caller could not, in the order the caller would.
CREATE FUNCTION session_principal(token_hash_hex text)
  RETURNS TABLE (id uuid, tenant_id uuid, kind text, staff_id uuid, portal_user_id uuid, csrf_token text, last_seen_at timestamptz,
    absolute_expires_at timestamptz, ended_at timestamptz, username text, display_name text, is_active boolean, roles text[], phone text)
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  found_session sessions%ROWTYPE;
BEGIN
  PERFORM set_config('app.session_token_hash', token_hash_hex, true);
  SELECT * INTO found_session FROM sessions s WHERE s.token_hash = decode(token_hash_hex, 'hex');
  IF NOT FOUND THEN
    RETURN;
  END IF;
  PERFORM set_config('app.tenant_id', found_session.tenant_id::text, true);
  RETURN QUERY
    SELECT found_session.id, found_session.tenant_id, found_session.kind, found_session.staff_id, found_session.portal_user_id,
      found_session.csrf_token, found_session.last_seen_at, found_session.absolute_expires_at, found_session.ended_at,
      st.username, st.display_name, st.is_active,
      (SELECT array_agg(r.role ORDER BY r.role) FROM staff_roles r WHERE r.staff_id = st.id),
      pu.phone
    FROM (SELECT 1) AS one
    LEFT JOIN staff st ON st.id = found_session.staff_id
    LEFT JOIN portal_users pu ON pu.id = found_session.portal_user_id;
END
$$;
GRANT EXECUTE ON FUNCTION session_principal(text) TO shuiwu_app;
