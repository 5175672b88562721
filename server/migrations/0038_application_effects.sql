-- What finishing the stages of the account applications does (issue 6, applications/effects.ts): holder
-- change (更名过户), water-use category change (用水性质变更), meter calibration (校表) and removal (拆表销户).

-- An account being closed waits in 'closing' from its final bill until that bill is settled; then it is
-- closed, on the business day recorded here (accounts closed before this column stay without a date).
ALTER TABLE accounts DROP CONSTRAINT accounts_status_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_status_check CHECK (status IN ('active', 'suspended', 'closing', 'closed'));
ALTER TABLE accounts ADD COLUMN closed_on date;

-- The day a meter came off its premise (removal, or replacement after a failed calibration test).
ALTER TABLE meters ADD COLUMN removed_on date;

-- Effective-dated water-use category of an account: each change names the class and category before and
-- after and the first day billed at the new one. An account's category on a day is the "before" of the
-- first change after that day, or the account's own (current) category when there is none; billing cuts a
-- period at each change and prorates it by days, as for a tariff change (tariffs/book.ts).
CREATE TABLE account_category_changes (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL,
  effective_from date NOT NULL,
  category_before text NOT NULL CHECK (category_before IN ('residential', 'non_residential', 'special')),
  water_category_before uuid,
  category_after text NOT NULL CHECK (category_after IN ('residential', 'non_residential', 'special')),
  water_category_after uuid,
  application_id uuid,
  changed_by text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, account_id, effective_from),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, water_category_before) REFERENCES water_categories (tenant_id, id),
  FOREIGN KEY (tenant_id, water_category_after) REFERENCES water_categories (tenant_id, id),
  FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id)
);
SELECT make_tenant_owned('account_category_changes', 'SELECT, INSERT');

-- A period may now hold a partial regular bill: a holder change bills the old holder up to the final
-- reading, and the month's regular run bills the rest from the day after. Still one regular bill per
-- account, period and first day, which keeps a repeated run from billing anyone twice.
DROP INDEX bills_one_regular_per_period;
CREATE UNIQUE INDEX bills_one_regular_per_period ON bills (tenant_id, account_id, period, period_start) WHERE kind = 'regular';

-- Fees for services (a calibration test found within tolerance, 校表检定费) are revenue of their own.
-- NOT VALID: existing entries were checked against the narrower list already; new ones are checked.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_ledger_account_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_ledger_account_check CHECK (ledger_account IN ('receivable', 'prepaid',
  'water_revenue', 'sewage_fee_payable', 'resource_fee_payable', 'fixed_charge_revenue', 'late_fee_revenue', 'late_fee_receivable',
  'cash', 'channel_clearing', 'bank_clearing', 'write_off_expense', 'adjustment', 'service_fee_revenue')) NOT VALID;

-- The stages of the account applications record what their effects need (applications/defaults.ts): the
-- stored types of utilities created before this take the same outputs. Row-level security is lifted from
-- the two tables for these statements only (the owner runs migrations with no tenant set).
ALTER TABLE application_types NO FORCE ROW LEVEL SECURITY;
ALTER TABLE application_stages NO FORCE ROW LEVEL SECURITY;
UPDATE application_stages s SET outputs = '[{"key":"notes","kind":"text","zh":"结算说明","en":"Settlement notes","required":false}]'::jsonb
  FROM application_types t WHERE t.tenant_id = s.tenant_id AND t.id = s.type_id AND t.code = 'holder_change' AND s.code = 'settlement';
UPDATE application_stages s SET outputs = '[{"key":"prepaidHandling","kind":"choice","zh":"原户主预存余额","en":"Former holder’s prepaid balance","required":true,"options":[{"value":"carry_over","zh":"随户转给新户主","en":"Carried over to the new holder"},{"value":"refund","zh":"退还原户主（须先退款）","en":"Refunded to the former holder (refund first)"}]},{"key":"notes","kind":"text","zh":"说明","en":"Notes","required":false}]'::jsonb
  FROM application_types t WHERE t.tenant_id = s.tenant_id AND t.id = s.type_id AND t.code = 'holder_change' AND s.code = 'transfer';
UPDATE application_stages s SET outputs = '[{"key":"notes","kind":"text","zh":"核实记录","en":"Check notes","required":true},{"key":"files","kind":"attachments","zh":"现场照片","en":"Site photos","required":true,"min":1},{"key":"readOn","kind":"date","zh":"抄表日期","en":"Read on","required":true},{"key":"registerLitres","kind":"litres","zh":"表码（升）","en":"Register (litres)","required":true}]'::jsonb
  FROM application_types t WHERE t.tenant_id = s.tenant_id AND t.id = s.type_id AND t.code = 'category_change' AND s.code = 'survey';
UPDATE application_stages s SET outputs = '[{"key":"category","kind":"choice","zh":"新用水类别","en":"New account class","required":true,"options":[{"value":"residential","zh":"居民","en":"Residential"},{"value":"non_residential","zh":"非居民","en":"Non-residential"},{"value":"special","zh":"特种行业","en":"Special"}]},{"key":"waterCategoryId","kind":"uuid","zh":"用水性质（空则按类别默认）","en":"Water-use category (else the class default)","required":false},{"key":"effectiveOn","kind":"date","zh":"生效日期（空则为核实抄表日）","en":"Effective from (else the check’s reading day)","required":false}]'::jsonb
  FROM application_types t WHERE t.tenant_id = s.tenant_id AND t.id = s.type_id AND t.code = 'category_change' AND s.code = 'approval';
UPDATE application_stages s SET outputs = '[{"key":"reportNo","kind":"text","zh":"检定证书编号","en":"Test report number","required":true},{"key":"errorUpperZone","kind":"integer","zh":"高区示值误差（0.01%）","en":"Error, upper flow zone (0.01 %)","required":true,"min":-10000,"max":10000},{"key":"errorLowerZone","kind":"integer","zh":"低区示值误差（0.01%）","en":"Error, lower flow zone (0.01 %)","required":true,"min":-10000,"max":10000},{"key":"replacedOn","kind":"date","zh":"换表日期（超差时）","en":"Replaced on (out of tolerance)","required":false},{"key":"oldRegisterLitres","kind":"litres","zh":"旧表拆表表码（升，超差时）","en":"Old meter’s last register (litres)","required":false},{"key":"newSerialNo","kind":"text","zh":"新表表号（超差时）","en":"New meter serial (out of tolerance)","required":false},{"key":"newModel","kind":"text","zh":"新表型号（超差时）","en":"New meter model (out of tolerance)","required":false},{"key":"newInitialReadingLitres","kind":"litres","zh":"新表初始表码（升，超差时）","en":"New meter’s initial register (litres)","required":false}]'::jsonb
  FROM application_types t WHERE t.tenant_id = s.tenant_id AND t.id = s.type_id AND t.code = 'calibration' AND s.code = 'test';
UPDATE application_stages s SET outputs = '[{"key":"notes","kind":"text","zh":"销户说明","en":"Closure notes","required":false}]'::jsonb
  FROM application_types t WHERE t.tenant_id = s.tenant_id AND t.id = s.type_id AND t.code = 'removal' AND s.code = 'closure';
ALTER TABLE application_stages FORCE ROW LEVEL SECURITY;
ALTER TABLE application_types FORCE ROW LEVEL SECURITY;
