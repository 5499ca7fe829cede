import { isRequestId } from '@backstage-egress/plugin-egress-common';
import { TestApiProvider } from '@backstage/test-utils';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import { egressApiRef } from '../api/EgressApi';
import { fakeEgressApi } from '../__testUtils__/fixtures';
import { usePreview } from './usePreview';
import { useRequestDraft } from './useRequestDraft';

/** The request form's data flow: the draft, its preview, and the submit of the same draft. */
function renderForm(api = fakeEgressApi()) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[egressApiRef, api]]}>{children}</TestApiProvider>
  );
  const hook = renderHook(
    () => {
      const form = useRequestDraft({
        entityRef: 'component:default/payments-api',
        namespace: 'payments',
        knownClusters: ['dev', 'prod'],
      });
      const preview = usePreview(form.draft, form.valid);
      return { form, preview };
    },
    { wrapper },
  );
  return { api, ...hook };
}

describe('the request id of an opened form', () => {
  it('is sent with every preview and with the submit, unchanged by edits', async () => {
    const { api, result } = renderForm();
    act(() => {
      result.current.form.update('hosts', 'api.stripe.com');
      result.current.form.update('clusters', ['dev']);
      result.current.form.update('justification', 'Card payments go through Stripe');
    });
    await waitFor(() => expect(api.preview).toHaveBeenCalled());
    act(() => result.current.form.update('hosts', 'api.stripe.com, files.stripe.com'));
    await waitFor(() => expect(api.preview.mock.calls.at(-1)![0].hosts).toHaveLength(2));

    await act(() => api.createRequest(result.current.form.draft));

    const id = api.createRequest.mock.calls[0][0].id;
    expect(isRequestId(id)).toBe(true);
    expect(api.preview.mock.calls.map(([draft]) => draft.id)).toEqual(api.preview.mock.calls.map(() => id));
  });

  it('is new for each opened form', () => {
    const first = renderForm().result.current.form.draft.id;
    const second = renderForm().result.current.form.draft.id;
    expect(isRequestId(first) && isRequestId(second)).toBe(true);
    expect(first).not.toBe(second);
  });
});
