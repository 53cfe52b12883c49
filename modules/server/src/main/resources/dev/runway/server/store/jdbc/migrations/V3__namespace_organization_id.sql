-- Each namespace gets its organisation's id, a UUID (clients filter by it: ?org-id=). org_id keeps what the
-- namespace was created with (a VCS slug such as github/acme, or that UUID). A namespace of an earlier version takes
-- its own id, a UUID made by the same server, so no engine-specific UUID function is needed.
ALTER TABLE namespaces ADD COLUMN IF NOT EXISTS organization_id VARCHAR;
UPDATE namespaces SET organization_id = id WHERE organization_id IS NULL;
ALTER TABLE namespaces ALTER COLUMN organization_id SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS namespaces_organization ON namespaces (organization_id);
