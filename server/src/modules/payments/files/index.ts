/**
 * Payment file formats (issue 4), pure code: bank withholding request/result files behind a per-bank adapter,
 * WeChat Pay and Alipay statement parsers, the reconciliation matcher, and renderers that produce real files
 * for the payment simulator and tests. Formats are specified in docs/BANK-FILES.md.
 */
export { FileRejected, MAX_REPORTED_ERRORS, type RowError } from './common';
export { encodeGbk, decodeUtf8OrGbk, type TextEncodingName } from './encoding';
export { fenToYuan, yuanToFen } from './money';
export { readZip, writeZip, isZip, ZipError, type ZipEntry } from './zip';

export type { DecodedResults, EncodedFile, WithholdingAdapter, WithholdingBatch, WithholdingItem, WithholdingResult, WithholdingStatus } from './withholding';
export { withholdingAdapters, findWithholdingAdapter } from './adapters';
export {
  GENERIC_V1_ID,
  GENERIC_FAILURE_CODES,
  createGenericWithholdingAdapter,
  decodeGenericBatch,
  decodeGenericResult,
  encodeGenericBatch,
  renderGenericWithholdingResult,
  validateBatch,
  type GenericResultFileInput,
} from './generic-withholding';

export type { ParsedStatement, StatementChannel, StatementRow } from './statement';
export { parseStatement } from './parse';
export { parseWechatTradeBill, renderWechatTradeBill, WECHAT_TRADE_BILL_HEADER, type StatementRowInput, type WechatBillSummary, type WechatRenderOptions } from './wechat';
export { parseAlipayStatement, renderAlipayStatement, ALIPAY_DETAIL_HEADER, type AlipayRenderOptions } from './alipay';
export { reconcile, type LedgerPayment, type ReconcileDifference, type ReconcileDifferenceType, type ReconcileResult, type SideTotals } from './reconcile';
