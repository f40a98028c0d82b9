-- Where a parent's OAuth app may be used by child connections besides the parent's own base URL: the
-- client secret is only ever sent to a host its owner registered it for.
ALTER TABLE connections ADD COLUMN child_base_urls text[] NOT NULL DEFAULT '{}';
