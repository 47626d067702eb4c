-- The few retracted moves by org: the talent war's table counts every move of an org from the org indexes alone
-- (covering, no table reads) and takes the retracted ones away through this.
CREATE INDEX moves_retracted ON moves (to_org_id, from_org_id, date) WHERE retracted_at IS NOT NULL;
