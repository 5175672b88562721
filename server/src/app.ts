import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import { registerAuditRoutes } from './platform/audit/routes';
import type { Clock } from './platform/clock';
import type { Config } from './platform/config';
import type { PlatformContext } from './platform/context';
import { PersonalDataCipher } from './platform/crypto';
import type { Database } from './platform/db/database';
import { createHttpServer, type App } from './platform/http/server';
import { registerBillingRoutes } from './modules/billing';
import { registerCustomerRoutes } from './modules/customers';
import { registerIdentityRoutes } from './modules/identity';
import { registerAnalyticsRoutes } from './modules/analytics';
import { registerAppointmentRoutes } from './modules/appointments';
import { registerBillRoutes } from './modules/bills';
import { registerCollectionRoutes } from './modules/collection';
import { registerFinanceRoutes, registerGovAppRoutes, registerOnlinePaymentRoutes, registerPaymentRoutes, registerPaymentSimulator, registerWithholdingRoutes, SIMULATOR_PREFIX, type PaymentGateways, type PaymentSimulator, type SandboxCredentials } from './modules/payments';
import { registerMeterRoutes } from './modules/meters';
import { registerNotificationRoutes, type SmsGateway } from './modules/notifications';
import { registerReadingRoutes } from './modules/reading';
import { registerServiceRoutes } from './modules/service';
import { registerApplicationRoutes } from './modules/applications';
import { registerOpen311Routes } from './modules/open311';
import { registerCity12345Routes } from './modules/city12345';
import { registerTariffRoutes } from './modules/tariffs';
import { registerTenancyRoutes } from './modules/tenancy';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface AppOptions {
  config: Config;
  db: Database;
  clock: Clock;
  sms: SmsGateway;
  logLevel?: string;
  rateLimitPerMinute?: number;
  loginRateLimitPerMinute?: number;
  /** Serve the built console and portal from web/dist (when it exists). */
  serveWeb?: boolean;
  /** WeChat Pay and Alipay merchants per utility (payments/gateways.ts). */
  payments: PaymentGateways;
  /** Mount the payment simulator under /sim with these keys (demo and tests, when no real merchant is configured). */
  paymentSimulator?: { credentials: SandboxCredentials; publicBaseUrl?: string; timeScale?: number; fetch?: typeof fetch; now?: () => Date };
  /** Mount the city 12345 platform's reply simulator under /sim/city12345 (default: when the payment simulator is mounted). */
  city12345Simulator?: boolean;
}

export function createContext(options: { config: Config; db: Database; clock: Clock }): PlatformContext {
  return { ...options, cipher: new PersonalDataCipher(options.config.secretKey) };
}

/** The composition root: the platform's HTTP server with every module's routes and the two web apps. */
export async function buildApp(options: AppOptions): Promise<{ app: App; context: PlatformContext; simulator: PaymentSimulator | null }> {
  const context = createContext(options);
  const app = await createHttpServer(context, {
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.rateLimitPerMinute ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
  });

  app.get(
    '/api/health',
    {
      schema: {
        tags: ['platform'],
        summary: 'Liveness and database check',
        response: { 200: z.object({ status: z.literal('ok'), database: z.literal('ok') }), 503: z.object({ status: z.literal('unavailable'), database: z.string() }) },
      },
    },
    async (_request, reply) => {
      try {
        await options.db.queryWithoutTenant('SELECT 1');
        return { status: 'ok' as const, database: 'ok' as const };
      } catch (error) {
        return reply.code(503).send({ status: 'unavailable' as const, database: String(error).slice(0, 200) });
      }
    },
  );

  registerTenancyRoutes(app, context);
  registerIdentityRoutes(app, context, {
    sms: options.sms,
    loginRateLimitPerMinute: options.loginRateLimitPerMinute ?? options.config.loginRateLimitPerMinute,
  });
  registerCustomerRoutes(app, context);
  registerMeterRoutes(app, context);
  registerTariffRoutes(app, context);
  registerBillRoutes(app, context);
  registerPaymentRoutes(app, context);
  registerOnlinePaymentRoutes(app, context, options.payments);
  registerFinanceRoutes(app, context, options.payments);
  registerWithholdingRoutes(app, context);
  registerGovAppRoutes(app, context);
  let simulator: PaymentSimulator | null = null;
  if (options.paymentSimulator) {
    const settings = options.paymentSimulator;
    await app.register(async (scope) => {
      // The simulator stands in for the channels' own servers: not part of this API's documentation.
      scope.addHook('onRoute', (route) => {
        route.schema = { ...(route.schema ?? {}), hide: true };
      });
      simulator = await registerPaymentSimulator(scope, {
        credentials: settings.credentials,
        wechatpayPrefix: SIMULATOR_PREFIX.wechatpay,
        alipayPrefix: SIMULATOR_PREFIX.alipay,
        ...(settings.publicBaseUrl ? { publicBaseUrl: settings.publicBaseUrl } : {}),
        ...(settings.timeScale ? { timeScale: settings.timeScale } : {}),
        ...(settings.fetch ? { fetch: settings.fetch } : {}),
        ...(settings.now ? { now: settings.now } : {}),
      });
    });
  }
  registerAnalyticsRoutes(app, context);
  registerBillingRoutes(app, context);
  registerNotificationRoutes(app, context, options.sms);
  registerReadingRoutes(app, context);
  registerCollectionRoutes(app, context);
  registerServiceRoutes(app, context);
  registerApplicationRoutes(app, context);
  registerAppointmentRoutes(app, context);
  registerOpen311Routes(app, context);
  registerCity12345Routes(app, context, { simulator: options.city12345Simulator ?? options.paymentSimulator !== undefined });
  registerAuditRoutes(app, context);

  if (options.serveWeb !== false && existsSync(path.join(WEB_DIST, 'console', 'index.html'))) {
    await serveWebApps(app);
  }
  return { app, context, simulator };
}

// Both single-page apps are served from the same origin as the API, so cookies stay SameSite=Strict and
// no CORS is needed. Unknown paths under /console and /portal return the app, which routes on the client.
async function serveWebApps(app: App): Promise<void> {
  await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', index: false, wildcard: false, maxAge: '1h' });
  for (const name of ['console', 'portal'] as const) {
    const handler = (_request: unknown, reply: { header: (k: string, v: string) => unknown; sendFile: (file: string, root: string) => unknown }) => {
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', path.join(WEB_DIST, name));
    };
    app.get(`/${name}`, { schema: { hide: true } }, handler as never);
    app.get(`/${name}/*`, { schema: { hide: true } }, handler as never);
  }
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/portal/'));
}
