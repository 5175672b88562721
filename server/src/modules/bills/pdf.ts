import PDFDocument from 'pdfkit';
import { pdfFont, type PdfFont } from './fonts';
import { formatCubicMetres, formatDateZh, formatPeriodZh, formatYuan } from './format';
import type { BillDetail, BillLine, UsagePoint } from './schemas';

/** Everything printed on one bill. */
export interface BillPdfData {
  utility: { name: string; hotline: string | null };
  detail: BillDetail;
  /** The twelve months up to the bill's period, for the usage chart. */
  usage: UsagePoint[];
}

const PAGE = { width: 595.28, height: 841.89, margin: 40 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const BLUE = '#0b6bcb';
const BLUE_LIGHT = '#e8f1fb';
const BAR = '#8dbbe8';
const TEXT = '#1f2a37';
const MUTED = '#5f6b7a';
const RULE = '#c9d4e0';
const RED = '#c0392b';
/** Notes listed one by one on the bill; more are summed up in one line. */
const MAX_NOTE_ROWS = 6;

export const PAYMENT_CHANNELS = '微信支付、支付宝、银行代扣（签约后自动扣款）、网上营业厅，以及各营业厅和政务服务中心窗口';

const TITLES: Record<BillDetail['bill']['kind'], string> = {
  regular: '水 费 账 单',
  credit_note: '红字账单（冲减）',
  debit_note: '补收账单',
};

const REASONS: Record<string, string> = {
  wrong_reading: '抄表错误',
  calibration: '水表校验',
  tariff_error: '水价错误',
  other: '其他',
};

const CATEGORIES: Record<string, string> = { residential: '居民生活用水', non_residential: '非居民用水', special: '特种行业用水' };

/** What a line is called on the bill: the three fees by their names, water by tier. */
export function lineLabel(line: Pick<BillLine, 'lineType' | 'tier' | 'description'>): string {
  switch (line.lineType) {
    case 'water':
      return line.tier ? `水费（第${line.tier}阶梯）` : '水费';
    case 'sewage':
      return '污水处理费';
    case 'resource':
      return '水资源费';
    case 'fixed':
      return `固定费用：${line.description}`;
    case 'over_quota':
      return '超定额累进加价';
    case 'adjustment':
      return `调整：${line.description}`;
  }
}

/** Renders a bill as an A4 PDF in Chinese with the utility's letterhead and a 12-month usage chart. */
export async function renderBillPdf(data: BillPdfData, font: PdfFont = pdfFont()): Promise<Buffer> {
  const { detail, utility } = data;
  const { bill, account } = detail;
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    info: { Title: `${utility.name} ${TITLES[bill.kind].replaceAll(' ', '')} ${bill.billNo}`, Author: utility.name, Subject: `户号 ${account.accountNo} ${formatPeriodZh(bill.period)}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.regular.data, font.regular.family);
  doc.registerFont('cjk-bold', font.bold.data, font.bold.family);

  const text = (value: string, x: number, y: number, options: PDFKit.Mixins.TextOptions & { size?: number; bold?: boolean; color?: string } = {}) => {
    const { size = 10, bold = false, color = TEXT, ...rest } = options;
    doc.font(bold ? 'cjk-bold' : 'cjk').fontSize(size).fillColor(color).text(value, x, y, { lineBreak: false, ...rest });
  };
  const left = PAGE.margin;
  const right = PAGE.width - PAGE.margin;
  const bottom = PAGE.height - PAGE.margin;

  // ---- letterhead ----
  doc.rect(0, 0, PAGE.width, 8).fill(BLUE);
  text(utility.name, left, 30, { size: 20, bold: true });
  text(TITLES[bill.kind], left, 34, { size: 16, bold: true, color: bill.kind === 'credit_note' ? RED : BLUE, width: CONTENT_WIDTH, align: 'right' });
  text(`账单编号：${bill.billNo}`, left, 62, { size: 9, color: MUTED });
  text(`开具日期：${formatDateZh(bill.issuedOn)}`, left, 62, { size: 9, color: MUTED, width: CONTENT_WIDTH, align: 'right' });
  doc.moveTo(left, 80).lineTo(right, 80).lineWidth(1.5).strokeColor(BLUE).stroke();

  // ---- account ----
  let y = 92;
  const field = (label: string, value: string, x: number, width: number) => {
    text(label, x, y, { size: 9, color: MUTED });
    text(value, x + 58, y, { size: 10, width: width - 58, ellipsis: true });
  };
  const half = CONTENT_WIDTH / 2;
  field('户　　号', account.accountNo, left, half);
  field('户　　名', account.holderNameMasked, left + half, half);
  y += 18;
  field('用水地址', account.fullAddress, left, CONTENT_WIDTH);
  y += 18;
  field('账单周期', `${formatPeriodZh(bill.period)}（${bill.periodStart} 至 ${bill.periodEnd}）`, left, half);
  field('用水性质', CATEGORIES[account.category] ?? account.category, left + half, half);
  y += 18;
  if (bill.kind !== 'regular') {
    field('原账单号', bill.adjustsBillNo ?? '—', left, half);
    field('调整原因', `${bill.reason ? (REASONS[bill.reason] ?? bill.reason) : '—'}`, left + half, half);
    y += 18;
    if (bill.note) {
      field('说　　明', bill.note, left, CONTENT_WIDTH);
      y += 18;
    }
  }

  // ---- readings ----
  y += 6;
  const readings = detail.readings;
  const cells: [string, string, string][] = [
    ['上次读数（m³）', readings && readings.previousLitres !== null ? formatCubicMetres(readings.previousLitres) : '—', readings?.previousOn ?? ''],
    ['本次读数（m³）', readings && readings.currentLitres !== null ? formatCubicMetres(readings.currentLitres) : '—', readings?.currentOn ?? ''],
    ['本期用水量（m³）', formatCubicMetres(bill.consumptionLitres), bill.isEstimated ? '估抄' : readings?.meterSerialNo ? `表号 ${readings.meterSerialNo}` : ''],
  ];
  const cellWidth = CONTENT_WIDTH / 3;
  doc.rect(left, y, CONTENT_WIDTH, 52).fill(BLUE_LIGHT);
  cells.forEach(([label, value, note], index) => {
    const x = left + index * cellWidth + 12;
    text(label, x, y + 7, { size: 9, color: MUTED });
    text(value, x, y + 20, { size: 15, bold: index === 2, color: index === 2 ? BLUE : TEXT });
    text(note, x, y + 39, { size: 8, color: MUTED });
  });
  y += 64;

  // ---- line items ----
  const columns = [
    { title: '收费项目', width: 205, align: 'left' as const },
    { title: '水量（m³）', width: 100, align: 'right' as const },
    { title: '单价（元/m³）', width: 100, align: 'right' as const },
    { title: '金额（元）', width: 110, align: 'right' as const },
  ];
  // Long bills (many tiers, many notes) go on to a second page rather than run off the first.
  const need = (height: number) => {
    if (y + height <= bottom) return;
    doc.addPage();
    y = PAGE.margin;
  };
  const row = (values: string[], options: { bold?: boolean; color?: string; fill?: string; size?: number } = {}) => {
    need(20);
    if (options.fill) doc.rect(left, y - 4, CONTENT_WIDTH, 20).fill(options.fill);
    let x = left;
    columns.forEach((column, index) => {
      text(values[index] ?? '', x + 6, y, { size: options.size ?? 10, bold: options.bold ?? false, color: options.color ?? TEXT, width: column.width - 12, align: column.align, ellipsis: true });
      x += column.width;
    });
    y += 20;
  };
  row(columns.map((column) => column.title), { bold: true, fill: BLUE_LIGHT, size: 9 });
  for (const line of detail.lines) {
    row([
      lineLabel(line),
      line.quantityLitres !== null ? formatCubicMetres(line.quantityLitres) : '',
      line.unitPriceFenPerM3 !== null ? formatYuan(line.unitPriceFenPerM3) : '',
      formatYuan(line.amountFen),
    ]);
    doc.moveTo(left, y - 5).lineTo(right, y - 5).lineWidth(0.5).strokeColor(RULE).stroke();
  }
  row(['本单合计', '', '', formatYuan(bill.totalFen)], { bold: true });

  // ---- notes on this bill ----
  if (detail.notes.length > 0) {
    y += 4;
    need(38);
    text('本账单的调整', left, y, { size: 10, bold: true });
    y += 18;
    // The latest notes by name; any older ones in one line, so a much-adjusted bill still fits its page.
    const shown = detail.notes.length > MAX_NOTE_ROWS ? detail.notes.slice(-(MAX_NOTE_ROWS - 1)) : detail.notes;
    const folded = detail.notes.slice(0, detail.notes.length - shown.length);
    if (folded.length > 0) {
      row([`此前 ${folded.length} 张调整单据`, '', '', formatYuan(folded.reduce((sum, note) => sum + note.totalFen, 0))], { color: MUTED });
    }
    for (const note of shown) {
      row([
        `${note.kind === 'credit_note' ? '红字冲减' : '补收'} ${note.billNo}（${note.reason ? (REASONS[note.reason] ?? note.reason) : '调整'}）`,
        note.consumptionLitres !== 0 ? formatCubicMetres(note.consumptionLitres) : '',
        '',
        formatYuan(note.totalFen),
      ], { color: note.kind === 'credit_note' ? RED : TEXT });
    }
  }

  // ---- amount due ----
  y += 8;
  need(64);
  const payable = bill.kind === 'regular' ? (bill.netTotalFen ?? bill.totalFen) : bill.totalFen;
  doc.roundedRect(left, y, CONTENT_WIDTH, 56, 4).lineWidth(1).strokeColor(BLUE).stroke();
  const dueLabel = bill.kind === 'credit_note' ? '冲减金额（元）' : detail.notes.length > 0 ? '调整后应缴金额（元）' : '本期应缴金额（元）';
  text(dueLabel, left + 14, y + 10, { size: 10, color: MUTED });
  text(`¥ ${formatYuan(payable)}`, left + 14, y + 25, { size: 20, bold: true, color: bill.kind === 'credit_note' ? RED : BLUE });
  text(bill.kind === 'credit_note' ? '冲减金额自动抵扣本户应缴水费' : `缴费截止日期：${formatDateZh(bill.dueOn)}`, left, y + 14, { size: 11, bold: true, width: CONTENT_WIDTH - 14, align: 'right' });
  text(`账户当前余额（正数为欠费）：${formatYuan(detail.balanceFen)} 元`, left, y + 34, { size: 9, color: MUTED, width: CONTENT_WIDTH - 14, align: 'right' });
  y += 72;

  // ---- usage chart ----
  need(170);
  drawUsageChart(doc, text, data.usage, bill.period, left, y, CONTENT_WIDTH, 150);
  y += 178;

  // ---- footer ----
  need(64);
  doc.moveTo(left, y).lineTo(right, y).lineWidth(0.5).strokeColor(RULE).stroke();
  y += 8;
  const footer = [
    `缴费方式：${PAYMENT_CHANNELS}。`,
    `客服热线：${utility.hotline ?? '请联系当地营业厅'}（24小时服务）。`,
    '水费、污水处理费、水资源费分项列示；污水处理费和水资源费由供水单位代征，全额上缴。',
    '对账单有疑问、需要校验水表，请在缴费截止日前拨打客服热线或到营业厅办理；争议处理期间不停水。',
  ];
  for (const line of footer) {
    text(line, left, y, { size: 8.5, color: MUTED, width: CONTENT_WIDTH, lineBreak: true });
    y += doc.heightOfString(line, { width: CONTENT_WIDTH }) + 3;
  }
  doc.end();
  return finished;
}

type TextFn = (value: string, x: number, y: number, options?: PDFKit.Mixins.TextOptions & { size?: number; bold?: boolean; color?: string }) => void;

/** Bars of monthly use in m³, drawn with vector shapes: this bill's period in full blue, the rest lighter. */
function drawUsageChart(doc: PDFKit.PDFDocument, text: TextFn, points: UsagePoint[], current: string, x: number, y: number, width: number, height: number): void {
  text(`近${points.length}个月用水量（m³）`, x, y, { size: 10, bold: true });
  const top = y + 22;
  const axisWidth = 34;
  const plotX = x + axisWidth;
  const plotWidth = width - axisWidth;
  const plotHeight = height - 40;
  const bottom = top + plotHeight;
  const values = points.map((point) => Math.max(point.consumptionLitres ?? 0, 0));
  const maxLitres = Math.max(...values, 1000);
  // A round top for the scale: 1, 2 or 5 times a power of ten (in m³), above the largest bar.
  const raw = maxLitres / 1000 / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= raw) ?? 10 * magnitude;
  const scaleTop = step * 4;
  for (let index = 0; index <= 4; index += 1) {
    const lineY = bottom - (plotHeight * index) / 4;
    doc.moveTo(plotX, lineY).lineTo(plotX + plotWidth, lineY).lineWidth(0.4).strokeColor(index === 0 ? MUTED : RULE).stroke();
    const label = Number.isInteger(step) ? String(step * index) : (step * index).toFixed(1);
    text(label, x, lineY - 5, { size: 7.5, color: MUTED, width: axisWidth - 6, align: 'right' });
  }
  const slot = plotWidth / points.length;
  const barWidth = Math.min(slot * 0.56, 26);
  points.forEach((point, index) => {
    const centre = plotX + slot * index + slot / 2;
    const litres = values[index] as number;
    const barHeight = (plotHeight * litres) / (scaleTop * 1000);
    const isCurrent = point.period === current;
    if (point.consumptionLitres !== null && barHeight > 0) {
      doc.rect(centre - barWidth / 2, bottom - barHeight, barWidth, barHeight).fill(isCurrent ? BLUE : BAR);
    }
    const value = point.consumptionLitres === null ? '—' : formatCubicMetres(point.consumptionLitres).replace(/\.?0+$/, '') || '0';
    text(value, centre - slot / 2, bottom - barHeight - 11, { size: 7, color: isCurrent ? BLUE : MUTED, width: slot, align: 'center' });
    const month = Number(point.period.slice(5, 7));
    const label = index === 0 || month === 1 ? `${point.period.slice(2, 4)}年${month}月` : `${month}月`;
    text(label, centre - slot / 2, bottom + 5, { size: 7.5, bold: isCurrent, color: isCurrent ? BLUE : MUTED, width: slot, align: 'center' });
  });
}
