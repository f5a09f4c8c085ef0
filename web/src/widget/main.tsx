import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../global.css';
import { WidgetApp } from './widget-app.js';

const root = document.getElementById('root');
if (!root) {
  throw new Error('widget-frame.html has no #root element');
}
createRoot(root).render(
  <StrictMode>
    <WidgetApp />
  </StrictMode>,
);
