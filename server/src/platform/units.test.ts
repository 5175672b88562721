import { describe, expect, it } from 'vitest';
import { PersonalDataCipher } from './crypto';
import { splitSqlScript } from './db/migrate';
import { maskIdNumber, maskPersonName, maskPhone } from './masking';
import { permissionsOf, ROLES } from './permissions';
import { isValidResidentId } from './validation';

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
