/** @jsxImportSource preact */
/** Entry of `customer-account.page.render`: the Rewards page. */
import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { customerApi } from './api.ts';
import { APP_URL } from './app-url.ts';
import { RewardsPage } from './RewardsPage.tsx';

export default async () => {
  const locale = shopify.localization.language.value?.isoCode;
  const api = customerApi({ appUrl: APP_URL, sessionToken: () => shopify.sessionToken.get(), ...(locale ? { locale } : {}) });
  render(<RewardsPage api={api} locale={locale} />, document.body);
};
