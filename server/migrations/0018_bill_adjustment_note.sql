-- A credit or debit note says why it was issued: a reason code (bills.reason) and the clerk's words.
ALTER TABLE bills ADD COLUMN note text;
ALTER TABLE bills ADD CONSTRAINT bills_note_only_on_notes CHECK (note IS NULL OR kind <> 'regular');
