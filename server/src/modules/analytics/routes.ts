import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { serviceQualityDashboardSchema, serviceQualityQuerySchema, zeroConsumptionExportQuerySchema, zeroConsumptionQuerySchema, zeroConsumptionReportSchema } from './schemas';
import { serviceQualityCategoriesCsv, serviceQualityDashboard } from './service-quality';
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

  app.get(
    '/api/dashboards/service-quality',
    {
      preValidation: staffGuard(context, 'report.read'),
      schema: {
        tags: ['reports'],
        summary:
          "Service-quality dashboard (服务质量看板) over the utility's days from..to (at most 92): on-time rate per time limit, per day, category and department; " +
          'satisfaction; first-contact resolution; answer rate; the requests overdue now. A deadline counts when due in the range: on time if met by then, ' +
          'late if met after or unmet and past due now; unmet ones not yet due, and unmet ones of cancelled requests, are left out. Rates in basis points, ' +
          'the average rating in hundredths (docs/GLOSSARY.md)',
        security: read,
        querystring: serviceQualityQuerySchema,
        response: { 200: serviceQualityDashboardSchema, ...errors },
      },
    },
    async (request) => serviceQualityDashboard(context, staffOf(request).tenantId, request.query),
  );

  app.get(
    '/api/dashboards/service-quality/categories.csv',
    {
      preValidation: staffGuard(context, 'report.read'),
      schema: {
        tags: ['reports'],
        summary: "The service-quality dashboard's table per category as CSV (UTF-8, for Excel)",
        security: read,
        querystring: serviceQualityQuerySchema,
        response: { 200: { description: 'CSV, UTF-8 with BOM', content: { 'text/csv': { schema: z.string() } } }, ...errors },
      },
    },
    async (request, reply) => {
      const file = await serviceQualityCategoriesCsv(context, staffOf(request).tenantId, request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="${file.name}"`)
        .send(file.text);
    },
  );
}
