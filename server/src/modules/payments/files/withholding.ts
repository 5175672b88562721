/**
 * Bank withholding (银行代扣): the utility sends a bank a batch of debits from customers' bank accounts and the
 * bank returns a result per item. There is no national file format, every bank defines its own, so each bank
 * is an adapter that turns a batch into that bank's request file and reads that bank's result file back.
 * Adapters are pure: bytes in, bytes out, no database and no network.
 */
import type { RowError } from './common';

export interface WithholdingItem {
  /** Position of the item in the batch, 1…999999, unique in the batch; results refer to it. */
  sequence: number;
  /** The utility's account number (户号). */
  accountNo: string;
  /** The customer's bank account (sensitive personal information: never logged, masked in every report). */
  bankAccountNo: string;
  /** Account holder's name as the bank knows it (户名); banks refuse a debit when it does not match. */
  holderName: string;
  amountFen: number;
  /** The utility's reference for what is paid (a bill number, or several joined by the caller). */
  billRef: string;
}

export interface WithholdingBatch {
  /** The utility's batch number, unique per utility and bank. */
  batchNo: string;
  /** The utility's code at the bank (商户号/单位代码), agreed when withholding was signed. */
  utilityCode: string;
  /** YYYY-MM-DD. */
  createdOn: string;
  items: WithholdingItem[];
}

export type WithholdingStatus = 'success' | 'failed';

export interface WithholdingResult {
  sequence: number;
  accountNo: string;
  status: WithholdingStatus;
  /** The amount the result is about: debited when status is success, asked for when failed. */
  amountFen: number;
  /** The bank's code for a failure (null on success); see docs/BANK-FILES.md for the generic codes. */
  failureCode: string | null;
  failureReason: string | null;
  /** The bank's transaction reference; required on success. */
  bankRef: string | null;
  /** YYYY-MM-DD the money moved; required on success, null when failed. */
  settledOn: string | null;
}

export interface EncodedFile {
  fileName: string;
  bytes: Buffer;
}

export interface DecodedResults {
  /** Every result of the file, or none at all when there is any problem (nothing is half-imported). */
  results: WithholdingResult[];
  /** Every problem found, by line of the file (row 0: the file as a whole). */
  errors: RowError[];
}

export interface WithholdingAdapter {
  readonly id: string;
  readonly name: { zh: string; en: string };
  /** The request file for the bank. Throws FileRejected with every problem of the batch when it cannot be written. */
  encodeBatch(batch: WithholdingBatch): EncodedFile;
  /** Reads the bank's result file; with the batch it answers, every result is checked against its item too. */
  decodeResult(bytes: Uint8Array, batch?: WithholdingBatch): DecodedResults;
}
