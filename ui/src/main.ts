// Mounts the app. Styles come from app.css and the components, emitted by Vite as files the
// window's CSP (`style-src 'self'`) allows.
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
