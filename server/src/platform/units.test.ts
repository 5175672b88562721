import { describe, expect, it } from 'vitest';
import { PersonalDataCipher } from './crypto';
import { splitSqlScript } from './db/migrate';
import { maskIdNumber, maskPersonName, maskPhone } from './masking';
import { permissionsOf, ROLES } from './permissions';
import { isCalendarDate, isValidResidentId } from './validation';

describe('masking', () => {
  it('masks phones, ID numbers and names the way GB/T 35273 examples do', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0710-8888888')).toBe('0710****8888');
    expect(maskIdNumber('110105194912310021')).toBe('1101**********0021');
    expect(maskPersonName('张三')).toBe('张*');
    expect(maskPersonName('欧阳娜娜')).toBe('欧**娜');
  });
});

describe('resident ID numbers', () => {
  it('accepts the check character of GB 11643 and refuses a wrong one', () => {
    expect(isValidResidentId('11010519491231002X')).toBe(true);
    expect(isValidResidentId('11010519491231002x')).toBe(true);
    expect(isValidResidentId('110105194912310021')).toBe(false);
    expect(isValidResidentId('1101051949123100')).toBe(false);
  });
});

describe('personal data cipher', () => {
  const cipher = new PersonalDataCipher(Buffer.alloc(32, 7));

  it('round-trips, with a fresh nonce every time', () => {
    const first = cipher.encrypt('11010519491231002X');
    const second = cipher.encrypt('11010519491231002X');
    expect(first.equals(second)).toBe(false);
    expect(cipher.decrypt(first)).toBe('11010519491231002X');
  });

  it('refuses a tampered value', () => {
    const stored = cipher.encrypt('secret');
    stored[stored.length - 1] = (stored[stored.length - 1] as number) ^ 1;
    expect(() => cipher.decrypt(stored)).toThrow();
  });

  it('gives the same blind index for the same identifier however it was typed, and another key gives another', () => {
    expect(cipher.blindIndex('11010519491231002x').equals(cipher.blindIndex(' 11010519491231002X '))).toBe(true);
    const other = new PersonalDataCipher(Buffer.alloc(32, 8));
    expect(other.blindIndex('11010519491231002X').equals(cipher.blindIndex('11010519491231002X'))).toBe(false);
  });
});

describe('segregation of duties', () => {
  it('never lets one role both change records and read the audit log', () => {
    for (const role of ROLES) {
      const permissions = permissionsOf([role]);
      const canWrite = permissions.some((permission) => /\.(write|manage|review|import|run|adjust)$/.test(permission));
      expect(canWrite && permissions.includes('audit.read'), role).toBe(false);
    }
  });

  it('gives meter readers their readings and the applications stages they hold (a new connection’s first reading), no collection or other write rights', () => {
    expect(permissionsOf(['meter_reader'])).toEqual(['customer.read', 'route.read', 'reading.read', 'reading.write', 'application.read', 'application.work']);
  });
});

describe('migration script splitting', () => {
  it('keeps dollar-quoted bodies, quotes and comments intact', () => {
    const statements = splitSqlScript(`-- a comment; with a semicolon
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
INSERT INTO t VALUES ('a;b', 'it''s');
DO $body$ BEGIN PERFORM 1; END $body$;`);
    expect(statements).toHaveLength(3);
    expect(statements[0]).toContain('SELECT 1; $$');
    expect(statements[1]).toContain("'a;b', 'it''s'");
  });
});

describe('calendar dates', () => {
  it('accepts YYYY-MM-DD days that exist, leap days by the Gregorian rule, and nothing else', () => {
    for (const date of ['2026-01-31', '2024-02-29', '2000-02-29', '2026-04-30', '2026-12-31', '0001-01-01']) expect(isCalendarDate(date), date).toBe(true);
    for (const date of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '0000-01-01', '2026-1-01', '2026/01/01', '2026-01-011', ' 2026-01-01', '２０２６-01-01', '2026-0a-01', ''])
      expect(isCalendarDate(date), date).toBe(false);
    // Every day of four years, against Date's own calendar.
    for (let time = Date.UTC(2023, 0, 1); time < Date.UTC(2027, 0, 1); time += 86_400_000) expect(isCalendarDate(new Date(time).toISOString().slice(0, 10))).toBe(true);
  });
});
