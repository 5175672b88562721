import { createContext, useContext } from 'react';
import type { Permission, StaffSessionResponse } from '../../api/types';

export const SESSION_QUERY_KEY = ['staff', 'session'] as const;

export interface SessionValue {
  session: StaffSessionResponse;
  can: (permission: Permission) => boolean;
}

export const SessionContext = createContext<SessionValue | null>(null);

/** The signed-in staff member; only used below the login gate, where there always is one. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession() outside of a signed-in console');
  return value;
}

export function sessionValue(session: StaffSessionResponse): SessionValue {
  const granted = new Set<Permission>(session.staff.permissions);
  return { session, can: (permission) => granted.has(permission) };
}
