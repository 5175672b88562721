import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { zeroConsumptionExportQuerySchema, zeroConsumptionQuerySchema, zeroConsumptionReportSchema } from './schemas';
import { zeroConsumptionCsv, zeroConsumptionReport } from './zero-consumption';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
const read = [{ staffSession: [] }];

export function registerAnalyticsRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/reports/zero-consumption',
    {
      preValidation: staffGuard(context, 'report.read'),
      schema: {
        tags: ['reports'],
        summary: "Zero-use accounts (零水量用户): no water used in each of the latest N billed periods",
        security: read,
        querystring: zeroConsumptionQuerySchema,
        response: { 200: zeroConsumptionReportSchema, ...errors },
      },
    },
    async (request) => zeroConsumptionReport(context, staffOf(request).tenantId, request.query),
  );

  app.get(
    '/api/reports/zero-consumption.csv',
    {
      preValidation: staffGuard(context, 'report.read'),
      schema: {
        tags: ['reports'],
        summary: 'The zero-use accounts report as CSV (UTF-8, for Excel)',
        security: read,
        querystring: zeroConsumptionExportQuerySchema,
        response: { 200: { description: 'CSV, UTF-8 with BOM', content: { 'text/csv': { schema: z.string() } } }, ...errors },
      },
    },
    async (request, reply) => {
      const file = await zeroConsumptionCsv(context, staffOf(request).tenantId, request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="${file.name}"`)
        .send(file.text);
    },
  );
}
