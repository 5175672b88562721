import { describe, expect, it } from 'vitest';
import type { RowError } from './common';
import { encodeGbk } from './encoding';
import { parseStatement } from './parse';
import type { StatementRow } from './statement';
import { renderAlipayStatement } from './alipay';
import { renderWechatTradeBill } from './wechat';
import { writeZip } from './zip';

const HEADER = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
const PAID = '`2026-01-05 10:00:00,`wx8888888888888888,`1900000109,`0,`,`4200002086202601050745964084,`SW202601050001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`CMB_DEBIT,`CNY,`45.60,`0.00,`0,`0,`0.00,`0.00,`,`,`水费,`,`0.27360,`0.60%,`45.60,`0.00,`';
const PAID_WITH_COMMA = '`2026-01-05 11:00:00,`wx8888888888888888,`1900000109,`0,`,`4200002086202601050745964085,`SW202601050002,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`OTHERS,`CNY,`128.00,`0.00,`0,`0,`0.00,`0.00,`,`,`水费,2025年12月,`,`0.76800,`0.60%,`128.00,`0.00,`';
const REFUND = '`2026-01-05 12:00:00,`wx8888888888888888,`1900000109,`0,`,`4200002086202601050745964084,`SW202601050001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`REFUND,`CMB_DEBIT,`CNY,`0.00,`0.00,`50303108562026010501487282563,`RF202601050001,`10.00,`0.00,`ORIGINAL,`SUCCESS,`水费,`,`-0.06000,`0.60%,`45.60,`10.00,`';
const REVOKED = '`2026-01-05 13:00:00,`wx8888888888888888,`1900000109,`0,`,`4200002086202601050745964086,`SW202601050003,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`MICROPAY,`REVOKED,`OTHERS,`CNY,`0.00,`0.00,`0,`0,`0.00,`0.00,`,`,`水费,`,`0.00000,`0.60%,`5.00,`0.00,`';
const SUMMARY = '`4,`173.60,`10.00,`0.00,`0.98160,`224.20,`10.00';

const wechatBill = (lines: string[]) => Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
const where = (errors: RowError[]) => errors.map((error) => `${error.row}:${error.field}`);

describe('WeChat Pay trade bill', () => {
  it('parses paid and refund lines to exact fen, keeps a comma inside a value, skips revoked trades, and checks the summary', () => {
    const parsed = parseStatement('wechatpay', wechatBill([HEADER, PAID, PAID_WITH_COMMA, REFUND, REVOKED, SUMMARY_HEADER, SUMMARY]));
    expect(parsed.errors).toEqual([]);
    expect(parsed.skipped).toEqual([{ line: 5, zh: expect.any(String), en: expect.stringContaining('REVOKED') }]);
    expect(parsed.rows).toEqual<StatementRow[]>([
      { channel: 'wechatpay', line: 2, tradeTime: '2026-01-05T10:00:00+08:00', channelTradeNo: '4200002086202601050745964084', outTradeNo: 'SW202601050001', state: 'paid', amountFen: 4560, refundFen: 0, outRefundNo: null, channelRefundNo: null, feeFen: 27 },
      { channel: 'wechatpay', line: 3, tradeTime: '2026-01-05T11:00:00+08:00', channelTradeNo: '4200002086202601050745964085', outTradeNo: 'SW202601050002', state: 'paid', amountFen: 12800, refundFen: 0, outRefundNo: null, channelRefundNo: null, feeFen: 77 },
      { channel: 'wechatpay', line: 4, tradeTime: '2026-01-05T12:00:00+08:00', channelTradeNo: '4200002086202601050745964084', outTradeNo: 'SW202601050001', state: 'refund', amountFen: 4560, refundFen: 1000, outRefundNo: 'RF202601050001', channelRefundNo: '50303108562026010501487282563', feeFen: -6 },
    ]);
  });

  it('refuses a bill whose summary does not match its lines, naming each total', () => {
    const parsed = parseStatement('wechatpay', wechatBill([HEADER, PAID, PAID_WITH_COMMA, REFUND, REVOKED, SUMMARY_HEADER, '`3,`173.60,`10.01,`0.00,`0.98160,`224.20,`10.00']));
    expect(parsed.rows).toEqual([]);
    expect(parsed.errors).toEqual([
      { row: 7, field: '总交易单数', zh: '汇总为 3，明细合计为 4', en: 'the summary says 3, the lines add up to 4' },
      { row: 7, field: '退款总金额', zh: '汇总为 10.01，明细合计为 10.00', en: 'the summary says 10.01, the lines add up to 10.00' },
    ]);
  });

  it('refuses a bill cut short (no summary), and reports bad values per line and column', () => {
    expect(where(parseStatement('wechatpay', wechatBill([HEADER, PAID])).errors)).toEqual(['3:summary']);
    const bad = PAID.replace('`45.60,`0.00,`0,`0', '`45.605,`0.00,`0,`0').replace('`SUCCESS', '`CLOSED').replace('`2026-01-05 10:00:00', '`2026-13-05 10:00:00');
    const parsed = parseStatement('wechatpay', wechatBill([HEADER, bad, '2026-01-05,no,backticks', '`1,`2', SUMMARY_HEADER, SUMMARY]));
    expect(where(parsed.errors)).toEqual(['2:交易时间', '2:应结订单金额', '2:交易状态', '3:file', '4:file', '6:总交易单数', '6:应结订单总金额', '6:退款总金额', '6:手续费总金额', '6:订单总金额', '6:申请退款总金额']);
    expect(where(parseStatement('wechatpay', Buffer.from('交易时间,微信订单号\r\n')).errors)).toContain('1:商户订单号');
  });

  it('renders the bill it parses, with a summary that can be made wrong on purpose', () => {
    const rows = parseStatement('wechatpay', wechatBill([HEADER, PAID, PAID_WITH_COMMA, REFUND, REVOKED, SUMMARY_HEADER, SUMMARY])).rows;
    const rendered = renderWechatTradeBill(rows);
    expect(rendered.toString('utf8').split('\r\n')[0]).toBe(HEADER);
    expect(parseStatement('wechatpay', rendered).rows).toEqual(rows);
    expect(where(parseStatement('wechatpay', renderWechatTradeBill(rows, { orderTotalFen: 1 })).errors)).toEqual(['6:订单总金额']);
  });
});

const ALIPAY_LINES = [
  '#支付宝业务明细查询',
  '#账号：[20880000000000000156]',
  '#起始日期：[2026年01月05日 00:00:00]   终止日期：[2026年01月06日 00:00:00]',
  '#-----------------------------------------业务明细列表----------------------------------------',
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注',
  '2026010522001419931441931972\t,SW202601050011\t,交易\t,水费,2026-01-05 16:01:34,2026-01-05 16:01:38,\t,\t,\t,\t,**三(138******78)\t,45.60,45.60,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,-0.27,0.00,',
  '2026010522001419931441931973\t,SW202601050012\t,交易\t,"水费,2025年12月",2026-01-05 17:00:00,2026-01-05 17:00:05,\t,\t,\t,\t,**四(139******01)\t,128.00,128.00,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,-0.77,0.00,',
  '2026010522001419931441931972\t,SW202601050011\t,退款\t,水费,2026-01-05 18:00:00,2026-01-05 18:00:02,\t,\t,\t,\t,**三(138******78)\t,45.60,-10.00,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,SW202601050011R1\t,0.06,0.00,部分退款',
  '#-----------------------------------------业务明细列表结束------------------------------------',
  '#交易合计：2笔，商家实收共173.60元，商家优惠共0.00元',
  '#退款合计：1笔，商家实收共-10.00元，商家优惠共0.00元',
  '#导出时间：[2026年01月06日 09:12:40]',
];

const ALIPAY_ROWS: StatementRow[] = [
  { channel: 'alipay', line: 6, tradeTime: '2026-01-05T16:01:38+08:00', channelTradeNo: '2026010522001419931441931972', outTradeNo: 'SW202601050011', state: 'paid', amountFen: 4560, refundFen: 0, outRefundNo: null, channelRefundNo: null, feeFen: 27 },
  { channel: 'alipay', line: 7, tradeTime: '2026-01-05T17:00:05+08:00', channelTradeNo: '2026010522001419931441931973', outTradeNo: 'SW202601050012', state: 'paid', amountFen: 12800, refundFen: 0, outRefundNo: null, channelRefundNo: null, feeFen: 77 },
  { channel: 'alipay', line: 8, tradeTime: '2026-01-05T18:00:02+08:00', channelTradeNo: '2026010522001419931441931972', outTradeNo: 'SW202601050011', state: 'refund', amountFen: 4560, refundFen: 1000, outRefundNo: 'SW202601050011R1', channelRefundNo: null, feeFen: -6 },
];

describe('Alipay business detail statement', () => {
  it('parses the GBK CSV: comments skipped, trailing tabs trimmed, quoted commas kept, totals checked', () => {
    const parsed = parseStatement('alipay', encodeGbk(ALIPAY_LINES.join('\r\n')));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual(ALIPAY_ROWS);
  });

  it('reads the same statement in UTF-8 with a byte-order mark, and zipped beside its summary file', () => {
    expect(parseStatement('alipay', Buffer.from(`\uFEFF${ALIPAY_LINES.join('\n')}`, 'utf8')).rows).toEqual(ALIPAY_ROWS);
    const zip = writeZip([
      { name: '20880000000000000156_20260105_业务明细(汇总).csv', bytes: encodeGbk('#支付宝业务汇总查询\r\n#交易合计：2笔\r\n') },
      { name: '20880000000000000156_20260105_业务明细.csv', bytes: encodeGbk(ALIPAY_LINES.join('\r\n')) },
    ]);
    expect(parseStatement('alipay', zip).rows).toEqual(ALIPAY_ROWS);
  });

  it('refuses footer totals that do not match, an unknown business type, a missing refund number, and a list cut short', () => {
    const lines = [...ALIPAY_LINES];
    lines[7] = (lines[7] as string).replace('SW202601050011R1\t', '\t');
    lines[6] = (lines[6] as string).replace(',交易\t,', ',转账\t,');
    lines[9] = '#交易合计：2笔，商家实收：173.61元，商家优惠：0.00元';
    expect(where(parseStatement('alipay', encodeGbk(lines.join('\r\n'))).errors)).toEqual(['7:业务类型', '8:退款批次号/请求号', '10:交易合计', '10:交易合计']);
    expect(where(parseStatement('alipay', encodeGbk(ALIPAY_LINES.slice(0, 7).join('\r\n'))).errors)).toEqual(['7:file']);
  });

  it('names the account statement (账务明细) and foreign files instead of misreading them', () => {
    expect(parseStatement('alipay', encodeGbk('#支付宝账务明细查询\r\n#账号：[2088]\r\n')).errors[0]?.en).toContain('account statement');
    expect(parseStatement('alipay', Buffer.from('hello,world\n')).errors[0]?.en).toContain('first line');
    expect(parseStatement('alipay', writeZip([{ name: 'x.txt', bytes: Buffer.from('nothing') }])).errors[0]?.en).toContain('no Alipay business detail');
  });

  it('renders a statement that parses back, GBK zipped or UTF-8, and can carry a wrong footer on purpose', () => {
    const zipped = renderAlipayStatement(ALIPAY_ROWS, { encoding: 'GBK', isZipped: true });
    expect(parseStatement('alipay', zipped).rows.map(({ line: _line, ...row }) => row)).toEqual(ALIPAY_ROWS.map(({ line: _line, ...row }) => row));
    expect(parseStatement('alipay', renderAlipayStatement(ALIPAY_ROWS, { encoding: 'UTF-8' })).rows).toEqual(ALIPAY_ROWS);
    expect(where(parseStatement('alipay', renderAlipayStatement(ALIPAY_ROWS, { footer: { refundCount: 2 } })).errors)).toEqual(['11:退款合计']);
  });
});
