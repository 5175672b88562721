-- PDF documents as attachments: an applicant's materials (a scanned certificate, a lease exported from a
-- phone) may be a PDF as well as a photo (platform/files/pdf.ts checks it by content). Only applications take
-- them; every other owner's files (service request photos, meter photos) stay images, here as in the code.
ALTER TABLE attachments DROP CONSTRAINT attachments_content_type_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_content_type_check
  CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'));
ALTER TABLE attachments ADD CONSTRAINT attachments_pdf_owner_check
  CHECK (content_type <> 'application/pdf' OR owner_kind = 'application');

-- The stored name's extension follows the content: .pdf for a PDF, and for nothing else.
ALTER TABLE attachments DROP CONSTRAINT attachments_stored_path_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_stored_path_check
  CHECK (stored_path ~ '^(files|photos)/[0-9a-f-]{36}/[0-9]{4}-[0-9]{2}/[0-9a-f-]{32,36}\.(jpg|png|webp|heic|pdf)$'
    AND (stored_path LIKE '%.pdf') = (content_type = 'application/pdf'));
