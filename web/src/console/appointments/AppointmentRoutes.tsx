import { Route, Routes } from 'react-router';
import { RequirePermission } from '../components/RequirePermission';
import { AppointmentsDayPage } from './AppointmentsDayPage';
import { LocationsPage } from './LocationsPage';

/** The console's appointment pages under /appointments. */
export function AppointmentRoutes() {
  return (
    <Routes>
      <Route
        index
        element={
          <RequirePermission permission="appointment.read">
            <AppointmentsDayPage />
          </RequirePermission>
        }
      />
      <Route
        path="locations"
        element={
          <RequirePermission permission="appointment.manage">
            <LocationsPage />
          </RequirePermission>
        }
      />
    </Routes>
  );
}
