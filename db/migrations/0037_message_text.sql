-- What a message said, as it was handed over (issue 21): the text was composed at send
-- time and never kept, so the client export could say that a message went but not
-- what it told the client, which is theirs to see. Set only when a message is sent;
-- NULL for one not sent, for one sent before this migration, and for one that carried a
-- secret (a one-time code, a page link), which is wiped once it goes (0024).
--
-- Nothing more is needed for erasure: erase_client (0030) deletes the client's
-- messages, and the coach's messages about the client's meetings, rows and all.
ALTER TABLE messages
    ADD COLUMN sent_subject text,  -- the e-mail's subject; NULL for an SMS
    ADD COLUMN sent_text text;     -- the SMS as sent, or the e-mail's plain text body
