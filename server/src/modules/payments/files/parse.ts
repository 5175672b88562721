import { parseAlipayStatement } from './alipay';
import type { ParsedStatement, StatementChannel } from './statement';
import { parseWechatTradeBill } from './wechat';

/** A channel's statement file (bytes as downloaded: CSV in UTF-8 or GBK, or for Alipay the ZIP) in the common shape. */
export function parseStatement(channel: StatementChannel, bytes: Uint8Array): ParsedStatement {
  return channel === 'wechatpay' ? parseWechatTradeBill(bytes) : parseAlipayStatement(bytes);
}
