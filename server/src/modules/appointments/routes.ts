import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { portalActor, portalGuard, portalUserOf, staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { isoDateSchema, uuidParamsSchema } from '../../platform/validation';
import { bookAppointment, cancelAppointment, getAppointment, listAppointments, listPortalAppointments, markArrived, moveAppointment } from './bookings';
import { bookableDays, createLocation, daySlots, getLocation, listLocations, removeDateOverride, setDateOverride, updateLocation } from './locations';
import {
  appointmentListQuerySchema,
  appointmentSchema,
  arriveSchema,
  businessQuerySchema,
  cancelSchema,
  counterBookingSchema,
  dateOverrideSchema,
  dateQuerySchema,
  dayListSchema,
  daySlotsSchema,
  locationPatchSchema,
  locationSchema,
  moveSchema,
  newLocationSchema,
  portalBookingSchema,
  portalCancelSchema,
} from './schemas';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const staffRead = [{ staffSession: [] }];
const staffWrite = [{ staffSession: [], csrfToken: [] }];
const portalRead = [{ portalSession: [] }];
const portalWrite = [{ portalSession: [], csrfToken: [] }];
const tags = ['appointments'];
const portalTags = ['portal'];
const noContent = z.null().describe('No content');

export function registerAppointmentRoutes(app: App, context: PlatformContext): void {
  // ---- staff: locations and hours (administrator), the day's bookings and walk-in bookings (counter) ----
  app.get(
    '/api/appointment-locations',
    {
      preValidation: staffGuard(context, 'appointment.read'),
      schema: { tags, summary: 'Service locations that take appointments (预约网点), with their hours and rules', security: staffRead, querystring: businessQuerySchema, response: { 200: z.object({ locations: z.array(locationSchema) }), ...errors } },
    },
    async (request) => ({ locations: await listLocations(context, staffOf(request).tenantId, { business: request.query.business, activeOnly: false }) }),
  );

  app.post(
    '/api/appointment-locations',
    {
      preValidation: staffGuard(context, 'appointment.manage'),
      schema: {
        tags,
        summary: 'Take appointments at a service hall: an existing one (hallId) or a new hall or government service centre window (hall)',
        security: staffWrite,
        body: newLocationSchema,
        response: { 201: locationSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await createLocation(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.patch(
    '/api/appointment-locations/:id',
    {
      preValidation: staffGuard(context, 'appointment.manage'),
      schema: {
        tags,
        summary: 'Change a location’s businesses, weekly hours, slot length, places per slot, booking window, holiday duty or pause it',
        description: 'Bookings already made keep their slots; booked slots get the new number of places but never fewer than they hold.',
        security: staffWrite,
        params: uuidParamsSchema,
        body: locationPatchSchema,
        response: { 200: locationSchema, ...errors },
      },
    },
    async (request) => updateLocation(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.post(
    '/api/appointment-locations/:id/date-overrides',
    {
      preValidation: staffGuard(context, 'appointment.manage'),
      schema: { tags, summary: 'Set the hours of one date (closed when spans is empty), e.g. a closure or holiday duty', security: staffWrite, params: uuidParamsSchema, body: dateOverrideSchema, response: { 200: locationSchema, ...errors } },
    },
    async (request) => setDateOverride(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.delete(
    '/api/appointment-locations/:id/date-overrides/:date',
    {
      preValidation: staffGuard(context, 'appointment.manage'),
      schema: { tags, summary: 'Remove a date’s own hours: the week’s hours and the calendar apply again', security: staffWrite, params: z.object({ id: z.uuid(), date: isoDateSchema }), response: { 204: noContent, ...errors } },
    },
    async (request, reply) => {
      await removeDateOverride(context, staffOf(request).tenantId, request.params.id, request.params.date, staffActor(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/appointment-locations/:id/slots',
    {
      preValidation: staffGuard(context, 'appointment.read'),
      schema: { tags, summary: 'The slots of a location’s day with places booked and left', security: staffRead, params: uuidParamsSchema, querystring: dateQuerySchema, response: { 200: daySlotsSchema, ...errors } },
    },
    async (request) => daySlots(context, staffOf(request).tenantId, request.params.id, request.query.date, { activeOnly: false }),
  );

  app.get(
    '/api/appointments',
    {
      preValidation: staffGuard(context, 'appointment.read'),
      schema: {
        tags,
        summary: 'Bookings of a day (default today) at a location or every location, or one person’s by booking number or mobile number (q)',
        security: staffRead,
        querystring: appointmentListQuerySchema,
        response: { 200: z.object({ appointments: z.array(appointmentSchema) }), ...errors },
      },
    },
    async (request) => ({ appointments: await listAppointments(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/appointments',
    {
      preValidation: staffGuard(context, 'appointment.book'),
      schema: {
        tags,
        summary: 'Book for a customer at the counter or on the phone (walk-in); an SMS confirms the booking number',
        description: '409 slot_full when the slot has no place left; 409 already_booked when the phone number holds a booking for the business.',
        security: staffWrite,
        body: counterBookingSchema,
        response: { 201: appointmentSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await bookAppointment(context, staffOf(request).tenantId, { ...request.body, channel: 'counter' }, staffActor(request))),
  );

  app.post(
    '/api/appointments/:id/move',
    {
      preValidation: staffGuard(context, 'appointment.book'),
      schema: { tags, summary: 'Move a booking to another slot (改约); the booking number stays', security: staffWrite, params: uuidParamsSchema, body: moveSchema, response: { 200: appointmentSchema, ...errors } },
    },
    async (request) => moveAppointment(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request), null),
  );

  app.post(
    '/api/appointments/:id/cancel',
    {
      preValidation: staffGuard(context, 'appointment.book'),
      schema: { tags, summary: 'Cancel a booking with a reason; its place is free again', security: staffWrite, params: uuidParamsSchema, body: cancelSchema, response: { 200: appointmentSchema, ...errors } },
    },
    async (request) => cancelAppointment(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request), null),
  );

  app.post(
    '/api/appointments/:id/arrive',
    {
      preValidation: staffGuard(context, 'appointment.book'),
      schema: { tags, summary: 'Check the customer in (签到) on the day of the booking', security: staffWrite, params: uuidParamsSchema, body: arriveSchema, response: { 200: appointmentSchema, ...errors } },
    },
    async (request) => markArrived(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  // ---- portal: the customer's own bookings; another customer's are answered as not found ----
  app.get(
    '/api/portal/appointment-locations',
    {
      preValidation: portalGuard(context),
      schema: { tags: portalTags, summary: 'Locations taking appointments, optionally for one business', security: portalRead, querystring: businessQuerySchema, response: { 200: z.object({ locations: z.array(locationSchema) }), ...errors } },
    },
    async (request) => ({ locations: await listLocations(context, portalUserOf(request).tenantId, { business: request.query.business, activeOnly: true }) }),
  );

  app.get(
    '/api/portal/appointment-locations/:id/days',
    {
      preValidation: portalGuard(context),
      schema: { tags: portalTags, summary: 'The bookable days of a location from today, with places left', security: portalRead, params: uuidParamsSchema, response: { 200: dayListSchema, ...errors } },
    },
    async (request) => bookableDays(context, portalUserOf(request).tenantId, request.params.id),
  );

  app.get(
    '/api/portal/appointment-locations/:id/slots',
    {
      preValidation: portalGuard(context),
      schema: { tags: portalTags, summary: 'The slots of a day at a location with places left', security: portalRead, params: uuidParamsSchema, querystring: dateQuerySchema, response: { 200: daySlotsSchema, ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      await getLocation(context, user.tenantId, request.params.id, { activeOnly: true });
      return daySlots(context, user.tenantId, request.params.id, request.query.date, { activeOnly: true });
    },
  );

  app.get(
    '/api/portal/appointments',
    {
      preValidation: portalGuard(context),
      schema: { tags: portalTags, summary: 'My appointments, newest first', security: portalRead, response: { 200: z.object({ appointments: z.array(appointmentSchema) }), ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return { appointments: await listPortalAppointments(context, user.tenantId, user.portalUserId) };
    },
  );

  app.get(
    '/api/portal/appointments/:id',
    {
      preValidation: portalGuard(context),
      schema: { tags: portalTags, summary: 'One of my appointments', security: portalRead, params: uuidParamsSchema, response: { 200: appointmentSchema, ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return getAppointment(context, user.tenantId, request.params.id, { portalUserId: user.portalUserId });
    },
  );

  app.post(
    '/api/portal/appointments',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: portalTags,
        summary: 'Book an appointment for my phone number; the answer carries the booking number (预约号)',
        description: '409 slot_full when the slot has no place left; 409 already_booked when this phone number holds a booking for the business.',
        security: portalWrite,
        body: portalBookingSchema,
        response: { 201: appointmentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      return reply.code(201).send(await bookAppointment(context, user.tenantId, { ...request.body, phone: user.phone, portalUserId: user.portalUserId, channel: 'portal' }, portalActor(request)));
    },
  );

  app.post(
    '/api/portal/appointments/:id/move',
    {
      preValidation: portalGuard(context),
      schema: { tags: portalTags, summary: 'Move my appointment to another slot', security: portalWrite, params: uuidParamsSchema, body: moveSchema, response: { 200: appointmentSchema, ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return moveAppointment(context, user.tenantId, request.params.id, request.body, portalActor(request), { portalUserId: user.portalUserId });
    },
  );

  app.post(
    '/api/portal/appointments/:id/cancel',
    {
      preValidation: portalGuard(context),
      schema: { tags: portalTags, summary: 'Cancel my appointment', security: portalWrite, params: uuidParamsSchema, body: portalCancelSchema, response: { 200: appointmentSchema, ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return cancelAppointment(context, user.tenantId, request.params.id, request.body, portalActor(request), { portalUserId: user.portalUserId });
    },
  );
}
