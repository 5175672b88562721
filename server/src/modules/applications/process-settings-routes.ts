/** Routes of the process settings (业务流程设置): the administrator's (settings.manage) view and changes, registered by routes.ts. */
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { getProcessSettings, updateProcessSettings, updateTypeProcess } from './process-settings';
import { processSettingsPatchSchema, processSettingsSchema, typeCodeParamsSchema, typeProcessPatchSchema } from './process-settings-schemas';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const staffRead = [{ staffSession: [] }];
const staffWrite = [{ staffSession: [], csrfToken: [] }];
const tags = ['applications'];

export function registerProcessSettingsRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/application-settings',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: {
        tags,
        summary: 'The process settings: every application type with its stages (role, time limit, whether worked), materials and segregation rules; the first-reading period of new connections; the latest versions',
        security: staffRead,
        response: { 200: processSettingsSchema, ...errors },
      },
    },
    async (request) => getProcessSettings(context, staffOf(request).tenantId),
  );

  app.patch(
    '/api/application-settings',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: {
        tags,
        summary: 'Change how many days after opening a new connection must have a reading before the zero-consumption report flags it (versioned, audited)',
        security: staffWrite,
        body: processSettingsPatchSchema,
        response: { 200: processSettingsSchema, ...errors },
      },
    },
    async (request) => updateProcessSettings(context, staffOf(request).tenantId, request.body, staffActor(request)),
  );

  app.patch(
    '/api/application-settings/types/:code',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: {
        tags,
        summary:
          'Change one application type: stages (role, time limit in working days, whether a skippable stage is worked), the materials list (name, required, file kinds accepted) and the segregation rules. ' +
          'Versioned and audited; stages already started keep their deadlines',
        security: staffWrite,
        params: typeCodeParamsSchema,
        body: typeProcessPatchSchema,
        response: { 200: processSettingsSchema, ...errors },
      },
    },
    async (request) => updateTypeProcess(context, staffOf(request).tenantId, request.params.code, request.body, staffActor(request)),
  );
}
