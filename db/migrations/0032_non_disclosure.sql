-- Non-disclosure for personal safety (turvakielto): a marked client's e-mail, phone,
-- birth date and home municipality are shown only to their own organisation's
-- responsible workers and admins (the rule: service/clients/disclosure.py). Who set or
-- cleared the mark, when and why is in the audit trail (client.non_disclosure).
ALTER TABLE clients ADD COLUMN non_disclosure boolean NOT NULL DEFAULT false;
