/** Entry of the customer portal (网上营业厅), served at /portal/. */
import { unstableSetRender } from 'antd-mobile';
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { setUpI18n } from '../shared/i18n';
import { App } from './App';
import { resources } from './locales';
import './portal.css';

// antd-mobile 5 renders Toast, Dialog and ActionSheet into their own containers with the legacy
// ReactDOM.render, which React 19 no longer has: give it createRoot (mobile.ant.design/guide/v5-for-19).
const roots = new WeakMap<Element | DocumentFragment, Root>();
unstableSetRender((node, container) => {
  let root = roots.get(container);
  if (!root) {
    root = createRoot(container);
    roots.set(container, root);
  }
  root.render(node);
  const mounted = root;
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    mounted.unmount();
    roots.delete(container);
  };
});

const container = document.getElementById('root');
if (!container) throw new Error('portal: #root is missing from index.html');

void setUpI18n(resources).then(() => {
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
