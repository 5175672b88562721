import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { systemActor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { DomainError } from '../../platform/errors';
import { requireTenantByCode } from '../tenancy';
import { findRoutes, activeRoutes } from './route-accounts';
import { createBillingRun, findActiveRun, getBillingRun } from './runs';
import { periodSchema, type BillingRun } from './schemas';
import { workBillingRun } from './worker';

/** Fen as yuan with two decimals, from integers only. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100).toLocaleString('en')}.${String(abs % 100).padStart(2, '0')}`;
}

const LINE_NAMES: Record<string, string> = { water: '水费 water', sewage: '污水处理费 sewage', resource: '水资源费 resource', fixed: '固定费用 fixed', over_quota: '超定额加价 over quota', adjustment: '调整 adjustment' };
const REASON_NAMES: Record<string, string> = {
  already_billed: '本月已出账 already billed',
  no_reading: '无抄表读数 no reading',
  account_closed: '已销户 closed',
  account_suspended: '已停水 suspended',
  no_water_category: '无用水性质 no category',
  no_tariff: '无适用水价 no tariff',
  tariff_error: '水价计算出错 tariff error',
  account_missing: '账户不存在 missing',
};

/** Pads to a width in terminal columns, a Chinese character taking two. */
function pad(text: string, width: number): string {
  const columns = [...text].reduce((sum, character) => sum + (/[\u2e80-\uffff]/.test(character) ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(0, width - columns));
}

const cubicMetres = (litres: number) => `${Math.trunc(litres / 1000).toLocaleString('en')}.${String(litres % 1000).padStart(3, '0')}`;

function progressLine(run: BillingRun, seconds: number): string {
  const width = 30;
  const filled = Math.round(run.progress * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(run.progress * 100).toFixed(0).padStart(3)}%  ${run.doneChunks}/${run.totalChunks} chunks  ${run.summary.bills.toLocaleString('en')} bills  ${seconds.toFixed(1)} s`;
}

export function printSummary(run: BillingRun, write: (line: string) => void = console.log): void {
  const { summary } = run;
  write(`Billing run ${run.id} · ${run.period} · ${run.status}`);
  write(`  ${pad('户数 accounts', 26)}${summary.accounts.toLocaleString('en')}`);
  write(`  ${pad('账单 bills', 26)}${summary.bills.toLocaleString('en')}`);
  write(`  ${pad('水量 water m³', 26)}${cubicMetres(summary.consumptionLitres)}`);
  write(`  ${pad('合计 total ¥', 26)}${formatYuan(summary.totalFen)}`);
  for (const line of summary.byLineType) write(`    ${pad(LINE_NAMES[line.lineType] ?? line.lineType, 24)}${formatYuan(line.amountFen).padStart(16)}  (${line.lines.toLocaleString('en')} lines)`);
  if (summary.skipped.length > 0) {
    write('  未出账 skipped');
    for (const skipped of summary.skipped) write(`    ${pad(REASON_NAMES[skipped.reason] ?? skipped.reason, 30)}${skipped.accounts.toLocaleString('en').padStart(10)}`);
  }
  if (summary.failedChunks > 0) write(`  failed chunks 失败分片 ${summary.failedChunks} (see billing_run_chunks.error)`);
}

/**
 * `shuiwu bill-run --tenant C --period YYYY-MM [--routes R01,R02] [--workers 2]`: starts a run (or resumes
 * the active run of the same period and routes) and works it to the end here, with a progress bar.
 */
export async function billRunCommand(context: PlatformContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { tenant: { type: 'string' }, period: { type: 'string' }, routes: { type: 'string' }, workers: { type: 'string' } } });
  const period = periodSchema.safeParse(values.period);
  if (!values.tenant || !period.success) {
    console.error('bill-run needs --tenant CODE and --period YYYY-MM (optionally --routes CODE,CODE and --workers N)');
    return 2;
  }
  const tenant = await requireTenantByCode(context, values.tenant);
  const codes = values.routes?.split(',').map((code) => code.trim()).filter(Boolean);
  const routes = await context.db.withTenant(tenant.id, (sql) => (codes ? findRoutes(sql, { codes }) : activeRoutes(sql)));
  const missing = (codes ?? []).filter((code) => !routes.some((route) => route.code === code));
  if (missing.length > 0) {
    console.error(`Unknown routes 抄表本不存在: ${missing.join(', ')}`);
    return 2;
  }
  const routeIds = routes.map((route) => route.id);
  const active = await context.db.withTenant(tenant.id, (sql) => findActiveRun(sql, period.data, routeIds));
  let run: BillingRun;
  if (active && active.routeIds.length === routeIds.length && routeIds.every((id) => active.routeIds.includes(id))) {
    run = active;
    console.log(`Resuming billing run ${run.id} of ${run.period} (${run.doneChunks}/${run.totalChunks} chunks done) 继续核算`);
  } else {
    try {
      run = await createBillingRun(context, tenant.id, { period: period.data, ...(codes ? { routeIds } : {}) }, systemActor(`cli:${userInfo().username}`));
    } catch (error) {
      if (error instanceof DomainError) {
        console.error(`${error.zh}\n${error.en}`);
        return error.kind === 'conflict' ? 3 : 2;
      }
      throw error;
    }
    console.log(`Billing run ${run.id}: ${run.period}, ${routes.length} routes, ${run.accounts.toLocaleString('en')} accounts in ${run.totalChunks} chunks 开始核算`);
  }
  const started = performance.now();
  const isTty = process.stdout.isTTY === true;
  let lastPrinted = -1;
  const show = async () => {
    const current = await getBillingRun(context, tenant.id, run.id);
    const seconds = (performance.now() - started) / 1000;
    if (isTty) process.stdout.write(`\r${progressLine(current, seconds)}`);
    else if (Math.floor(current.progress * 10) > lastPrinted) {
      lastPrinted = Math.floor(current.progress * 10);
      console.log(progressLine(current, seconds));
    }
    return current;
  };
  const timer = setInterval(() => void show().catch(() => undefined), 500);
  try {
    await workBillingRun(context, tenant.id, run.id, { concurrency: Number(values.workers ?? 2), log: (message) => console.error(`\n${message}`) });
  } finally {
    clearInterval(timer);
  }
  const finished = await show();
  if (isTty) process.stdout.write('\n');
  printSummary(finished);
  if (finished.status === 'pending' || finished.status === 'running') {
    console.log('Other workers still hold chunks of this run; it finishes when they do. 其余分片由其他进程处理中');
    return 0;
  }
  return finished.status === 'completed' ? 0 : 1;
}
