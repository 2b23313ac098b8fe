/** The dashboard's entry: Pinia, the router, and the 401 handler that sends the user to sign in. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { setUnauthenticatedHandler } from './api/http.js';
import App from './App.vue';
import { createAppRouter } from './router.js';
import { useSessionStore } from './stores/session.js';
import './styles.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
const router = createAppRouter();
app.use(router);

setUnauthenticatedHandler(() => {
  const session = useSessionStore(pinia);
  if (session.state !== 'signed-in') return;
  session.expired();
  const current = router.currentRoute.value;
  if (current.name !== 'login') void router.push({ name: 'login', query: { redirect: current.fullPath } });
});

app.mount('#app');
