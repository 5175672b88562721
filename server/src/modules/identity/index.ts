export { registerIdentityRoutes, type IdentityDependencies } from './routes';
export { logInStaff, LOCKOUT_MINUTES, MAX_FAILED_LOGINS } from './staff-login';
export { logInWithCode, requestLoginCode, OTP_MAX_PER_DAY, OTP_MAX_WRONG_TRIES, OTP_RESEND_SECONDS, OTP_TTL_SECONDS } from './portal-login';
