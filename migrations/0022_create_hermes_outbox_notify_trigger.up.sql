-- Wakes every listening worker when outbox rows are committed (NOTIFY is delivered at COMMIT).
-- Once per statement: a bulk insert sends one notification, not one per row.
CREATE FUNCTION hermes_outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('hermes_outbox', 'insert');
  RETURN NULL;
END;
$$;

CREATE TRIGGER hermes_outbox_notify
  AFTER INSERT ON hermes_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION hermes_outbox_notify();
