// The profile form's client certificate (mutual TLS): the files named are checked by the engine
// (thumbprint and end date, or what is wrong) and saved with the profile as paths; a profile
// that has one opens "Advanced: client authentication" by itself.
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import App from '../App.svelte';
import type { ClientCertificate, Profile } from '../lib/bindings';
import { backend } from './backend';
import { entry, metadataPreview, profile } from './fixtures';

const FILES: ClientCertificate = { cert_file: '/home/me/client.pem', key_file: '/home/me/client.key', ca_file: null };

test('the files are checked by the engine and saved as paths with the method', async () => {
  const original = profile();
  const b = backend({
    list_profiles: () => [entry(original)],
    preview_authority: () => metadataPreview,
    describe_client_certificate: (args) => {
      const files = args.files as ClientCertificate;
      return files.key_file.endsWith('other.key')
        ? { files, thumbprint: null, not_after: null, self_signed: null, problem: 'the private key in /home/me/other.key is not the key of the certificate in /home/me/client.pem', warnings: [] }
        : { files, thumbprint: 'q3Z-thumb', not_after: '2027-06-01T00:00:00+00:00', self_signed: false, problem: null, warnings: ['the private key file /home/me/client.key can be read by other users (mode 644): `chmod 600 /home/me/client.key`'] };
    },
    save_profile: (args) => [entry(args.profile as Profile)],
  });
  const user = userEvent.setup();
  render(App);
  await user.click(await screen.findByTestId('edit-profile'));
  const section = screen.getByTestId('client-auth-section');
  expect(section).not.toHaveAttribute('open');
  await user.click(screen.getByTestId('client-auth-toggle'));

  await user.type(screen.getByTestId('tls-cert-input'), FILES.cert_file);
  await user.type(screen.getByTestId('tls-key-input'), '/home/me/other.key');
  await user.click(screen.getByTestId('tls-check'));
  expect(await screen.findByTestId('tls-problem')).toHaveTextContent('is not the key of the certificate');

  await user.clear(screen.getByTestId('tls-key-input'));
  await user.type(screen.getByTestId('tls-key-input'), FILES.key_file);
  // What was checked was of the other files: said no more once they change.
  expect(screen.queryByTestId('tls-problem')).toBeNull();
  await user.click(screen.getByTestId('tls-check'));
  expect(await screen.findByTestId('tls-status')).toHaveTextContent('x5t#S256 q3Z-thumb');
  expect(screen.getByTestId('tls-warning')).toHaveTextContent('chmod 600');
  expect(b.argsOf('describe_client_certificate').at(-1)).toEqual({ files: FILES });

  await user.selectOptions(screen.getByTestId('client-auth-select'), 'tls_client_auth');
  await user.click(screen.getByTestId('save-profile'));
  await waitFor(() => expect(b.argsOf('save_profile')).toHaveLength(1));
  expect(b.argsOf('save_profile')[0]).toEqual({
    previousName: original.name,
    profile: { ...original, client_auth: 'tls_client_auth', client_certificate: FILES },
  });
});

test('a profile with a certificate opens the section with its files; emptying both removes it', async () => {
  const original = profile({ client_certificate: { ...FILES, ca_file: '/etc/company-ca.pem' } });
  const b = backend({
    list_profiles: () => [entry(original)],
    preview_authority: () => metadataPreview,
    save_profile: (args) => [entry(args.profile as Profile)],
  });
  const user = userEvent.setup();
  render(App);
  await user.click(await screen.findByTestId('edit-profile'));
  expect(screen.getByTestId('client-auth-section')).toHaveAttribute('open');
  expect(screen.getByTestId('tls-cert-input')).toHaveValue(FILES.cert_file);
  expect(screen.getByTestId('tls-ca-input')).toHaveValue('/etc/company-ca.pem');
  await user.clear(screen.getByTestId('tls-cert-input'));
  await user.clear(screen.getByTestId('tls-key-input'));
  await user.click(screen.getByTestId('save-profile'));
  await waitFor(() => expect(b.argsOf('save_profile')).toHaveLength(1));
  expect((b.argsOf('save_profile')[0]?.profile as Profile).client_certificate).toBeNull();
});
