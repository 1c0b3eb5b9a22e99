// The profile form's request form control (PAR, request object): folded for a plain profile,
// open for one that uses it, and what it sets is what the save sends.
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import App from '../App.svelte';
import type { Profile } from '../lib/bindings';
import { backend } from './backend';
import { entry, metadataPreview, profile } from './fixtures';

test('a plain profile keeps it folded; what is picked is saved with the profile', async () => {
  const original = profile();
  const b = backend({
    list_profiles: () => [entry(original)],
    preview_authority: () => metadataPreview,
    save_profile: (args) => [entry(args.profile as Profile)],
  });
  const user = userEvent.setup();
  render(App);
  await user.click(await screen.findByTestId('edit-profile'));
  const details = screen.getByTestId('request-form-fieldset');
  expect(details).not.toHaveAttribute('open');
  await user.click(details.querySelector('summary')!);
  await user.selectOptions(screen.getByTestId('par-select'), 'always');
  await user.selectOptions(screen.getByTestId('jar-select'), 'signed+encrypted');
  await user.click(screen.getByTestId('save-profile'));
  await waitFor(() => expect(b.argsOf('save_profile')).toHaveLength(1));
  expect(b.argsOf('save_profile')[0]).toEqual({
    previousName: original.name,
    profile: { ...original, request_form: { par: 'always', jar: 'signed+encrypted' } },
  });
});

test('a profile that pushes shows it open', async () => {
  backend({
    list_profiles: () => [entry(profile({ request_form: { par: 'always', jar: 'off' } }))],
    preview_authority: () => metadataPreview,
  });
  const user = userEvent.setup();
  render(App);
  await user.click(await screen.findByTestId('edit-profile'));
  expect(screen.getByTestId('request-form-fieldset')).toHaveAttribute('open');
  expect(screen.getByTestId('par-select')).toHaveValue('always');
});
