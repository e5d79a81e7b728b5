DROP TRIGGER hermes_outbox_notify ON hermes_outbox;
DROP FUNCTION hermes_outbox_notify();
