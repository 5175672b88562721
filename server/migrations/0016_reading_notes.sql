-- Notes on readings: the reader's (why a meter could not be read, what was seen) and the reviewer's reason
-- for accepting, rejecting or estimating a suspect reading. Added to the partitioned parent, so every
-- partition gets them.
ALTER TABLE readings ADD COLUMN note text CHECK (note IS NULL OR length(note) <= 500);
ALTER TABLE readings ADD COLUMN review_note text CHECK (review_note IS NULL OR length(review_note) <= 500);
