import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../../src/common/contract/rpc';
import { JobsProvider, ServicesProvider } from './api';
import { App } from './App';
import { I18nProvider } from './i18n';
import { AppStateProvider } from './state';
import { createHost } from './transport';
import './styles.css';

const host = createHost();
const api = createClient(host.transport);
const root = document.getElementById('root');
if (!root) throw new Error('#root missing');

createRoot(root).render(
  <StrictMode>
    <ServicesProvider api={api} host={host}>
      <JobsProvider>
        <I18nProvider>
          <AppStateProvider>
            <App />
          </AppStateProvider>
        </I18nProvider>
      </JobsProvider>
    </ServicesProvider>
  </StrictMode>,
);
