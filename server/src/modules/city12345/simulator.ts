/**
 * A stand-in for the city platform's reply endpoint, for the demo and the tests (mounted under /sim like the
 * payment simulator, never documented in the API): it checks each reply's signature, timestamp and nonce
 * exactly as docs/CITY-12345-API.md §5 asks the city to, keeps the replies by replyId (a repeat is
 * acknowledged, not kept twice), and can be told to fail the next deliveries so that retries can be seen.
 * It finds the shared secret through the utility's link, as the city would find it in its own records.
 */
import type { App } from '../../platform/http/server';
import type { PlatformContext } from '../../platform/context';
import { findTenantByCode } from '../tenancy';
import { isWithinWindow, NONCE_TTL_SECONDS, readSignatureHeaders, signatureMatches } from '../../platform/http/partner-signing';
import type { ReplyPayload } from './replies';

export const CITY_SIMULATOR_PREFIX = '/sim/city12345';

interface TenantState {
  replies: Map<string, ReplyPayload>;
  deliveries: number;
  duplicates: number;
  failNext: { count: number; status: number };
}

export function registerCity12345Simulator(scope: App, context: PlatformContext): void {
  const states = new Map<string, TenantState>();
  const nonces = new Map<string, number>();
  const stateOf = (tenant: string): TenantState => {
    let state = states.get(tenant);
    if (!state) {
      state = { replies: new Map(), deliveries: 0, duplicates: 0, failNext: { count: 0, status: 503 } };
      states.set(tenant, state);
    }
    return state;
  };

  scope.register(async (plain) => {
    plain.removeAllContentTypeParsers();
    plain.addContentTypeParser(['application/json', 'application/json; charset=utf-8'], { parseAs: 'string' }, (_request, body, done) => done(null, String(body)));

    plain.post(`${CITY_SIMULATOR_PREFIX}/:tenant/replies`, async (request, reply) => {
      const { tenant: code } = request.params as { tenant: string };
      const raw = typeof request.body === 'string' ? request.body : '';
      const state = stateOf(code);
      state.deliveries += 1;
      if (state.failNext.count > 0) {
        state.failNext.count -= 1;
        return reply.code(state.failNext.status).send({ code: 'UNAVAILABLE', message: 'simulated failure' });
      }
      const signed = readSignatureHeaders(request.headers);
      const now = context.clock.now();
      if (!signed) return reply.code(401).send({ code: 'SIGNATURE_MISSING', message: 'signature headers missing' });
      if (!isWithinWindow(signed.timestamp, now)) return reply.code(401).send({ code: 'TIMESTAMP', message: 'timestamp outside the window' });
      const tenant = await findTenantByCode(context, code);
      const [link] = tenant
        ? await context.db.withTenant(tenant.id, (sql) => sql.query<{ secret_encrypted: Uint8Array }>("SELECT secret_encrypted FROM city_12345_links WHERE app_id = $1 AND status = 'active'", [signed.appId]))
        : [];
      if (!link) return reply.code(401).send({ code: 'UNKNOWN_APP', message: 'unknown app id' });
      const parts = { appId: signed.appId, method: 'POST', path: request.url, timestamp: signed.timestamp, nonce: signed.nonce, body: raw };
      if (!signatureMatches(context.cipher.decrypt(link.secret_encrypted), parts, signed.signature)) return reply.code(401).send({ code: 'SIGNATURE_INVALID', message: 'signature does not verify' });
      for (const [key, seen] of nonces) if (seen < now.getTime() - NONCE_TTL_SECONDS * 1000) nonces.delete(key);
      const nonceKey = `${code}:${signed.appId}:${signed.nonce}`;
      if (nonces.has(nonceKey)) return reply.code(401).send({ code: 'REPLAY', message: 'nonce used before' });
      nonces.set(nonceKey, now.getTime());
      let payload: ReplyPayload;
      try {
        payload = JSON.parse(raw) as ReplyPayload;
      } catch {
        return reply.code(400).send({ code: 'BAD_JSON', message: 'body is not JSON' });
      }
      if (typeof payload.replyId !== 'string' || typeof payload.orderNo !== 'string' || typeof payload.result !== 'string') return reply.code(400).send({ code: 'BAD_REPLY', message: 'replyId, orderNo and result are required' });
      const duplicate = state.replies.has(payload.replyId);
      if (duplicate) state.duplicates += 1;
      else state.replies.set(payload.replyId, payload);
      return reply.code(200).send({ code: '0', message: 'ok', duplicate });
    });

    plain.get(`${CITY_SIMULATOR_PREFIX}/:tenant/replies`, async (request) => {
      const state = stateOf((request.params as { tenant: string }).tenant);
      return { deliveries: state.deliveries, duplicates: state.duplicates, replies: [...state.replies.values()] };
    });

    plain.post(`${CITY_SIMULATOR_PREFIX}/:tenant/faults`, async (request) => {
      const state = stateOf((request.params as { tenant: string }).tenant);
      const body = JSON.parse(typeof request.body === 'string' && request.body ? request.body : '{}') as { count?: number; status?: number };
      state.failNext = { count: Math.max(0, Math.min(100, Number(body.count ?? 0))), status: Number(body.status ?? 503) };
      return state.failNext;
    });
  });
}
