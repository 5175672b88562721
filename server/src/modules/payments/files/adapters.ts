/**
 * The withholding adapters, by id. A bank with its own layout gets a file beside generic-withholding.ts and a
 * line here; the payments module stores the adapter id per bank agreement and looks the adapter up by it.
 */
import { createGenericWithholdingAdapter, GENERIC_V1_ID } from './generic-withholding';
import type { WithholdingAdapter } from './withholding';

export const withholdingAdapters: Readonly<Record<string, WithholdingAdapter>> = Object.freeze({
  [GENERIC_V1_ID]: createGenericWithholdingAdapter({ encoding: 'GBK' }),
});

export const findWithholdingAdapter = (id: string): WithholdingAdapter | undefined => (Object.hasOwn(withholdingAdapters, id) ? withholdingAdapters[id] : undefined);
