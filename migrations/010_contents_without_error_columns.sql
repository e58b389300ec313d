-- contents.error_code / error_message were never set: a file that cannot be read or decoded is
-- recorded in scan_errors (per scan, per path), which is what every view reads.
ALTER TABLE contents DROP COLUMN error_code;
ALTER TABLE contents DROP COLUMN error_message;
