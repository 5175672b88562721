/** On the home page: 报修/投诉 and 我的工单. */
import type { ReactElement } from 'react';
import { Link } from 'react-router';
import { useServiceText } from './ServiceParts';
import './Service.css';

export function ServiceEntries(): ReactElement {
  const { text } = useServiceText();
  return (
    <nav className="sv-home-entries" data-testid="service-entries">
      <Link className="portal-card sv-home-entry" to="/service/new" data-testid="service-entry-new">
        <div className="sv-home-entry-title">{text.entryTitle}</div>
        <div className="sv-home-entry-text">{text.entryDescription}</div>
      </Link>
      <Link className="portal-card sv-home-entry" to="/service" data-testid="service-entry-mine">
        <div className="sv-home-entry-title">{text.mineTitle}</div>
        <div className="sv-home-entry-text">{text.mineDescription}</div>
      </Link>
    </nav>
  );
}
