/** What the command line needs from reading: importing a file, and the MQTT subscriber of serve/worker. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemActor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { requireTenantByCode } from '../tenancy';
import { ImportRejected, importReadingFile } from './importer';
import { startReadingSubscriber, type ReadingSubscriber } from './mqtt';

/** `shuiwu import-readings --tenant C --file F`: all rows or none, with the per-row report on failure. */
export async function importReadingsCommand(context: PlatformContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { tenant: { type: 'string' }, file: { type: 'string' } } });
  if (!values.tenant || !values.file) {
    console.error('import-readings needs --tenant and --file (a .csv or .xlsx with account_no, meter_serial, read_on, register_m3)');
    return 2;
  }
  const tenant = await requireTenantByCode(context, values.tenant);
  const bytes = await readFile(values.file);
  try {
    const report = await importReadingFile(context, tenant.id, path.basename(values.file), bytes, systemActor('cli'), null);
    console.log(`Imported ${report.imported} of ${report.rows} rows (${report.duplicates} duplicates ignored; ${report.accepted} accepted, ${report.suspect} for review) in ${report.tookMs} ms.`);
    console.log(`已导入 ${report.imported}/${report.rows} 行（重复 ${report.duplicates} 行已忽略；待审核 ${report.suspect} 行）。`);
    return 0;
  } catch (error) {
    if (!(error instanceof ImportRejected)) throw error;
    console.error(`Nothing imported: ${error.errors.length} problem(s) / 未导入：${error.errors.length} 处错误`);
    for (const problem of error.errors.slice(0, 200)) console.error(`  row ${problem.row}\t${problem.field}\t${problem.zh} / ${problem.en}`);
    return 1;
  }
}

/**
 * What serve and worker run for reading: monthly partitions of readings kept two years ahead (as the owner,
 * like migrations), and the MQTT subscriber when SHUIWU_MQTT_URL is configured (null otherwise, or when the
 * broker cannot be reached: the rest of the server runs on).
 */
export async function startReadingServices(context: PlatformContext, log: (message: string) => void): Promise<ReadingSubscriber | null> {
  await context.db.asOwner((sql) => sql.query("SELECT ensure_reading_partitions(date_trunc('month', now())::date, (now() + interval '24 months')::date)"));
  const url = context.config.mqttUrl;
  if (!url) return null;
  try {
    const clientId = context.config.mqttClientId;
    return await startReadingSubscriber(context, url, { ...(clientId ? { clientId } : {}), log: (level, message) => (level === 'info' ? console.log(message) : log(message)) });
  } catch (error) {
    log(`MQTT: cannot connect to ${url}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}
