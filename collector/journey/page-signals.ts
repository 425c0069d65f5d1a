// What a page says about the journey stage without any configuration: the page type the SDK read
// from its markup (`hint`), keywords of its URL path in several languages, and a site search in
// its query. One table, used by Node and Workers alike; docs/journey.md lists it.
import type { Role } from './roles';

/** Page-type hints (sdk/schema.ts PAGE_HINTS) → role. */
const HINT_ROLES: Record<string, Role> = {
  product: 'consideration',
  list: 'consideration',
  faq: 'consideration',
  article: 'awareness',
  cart: 'decision',
  checkout: 'decision',
};

/** URL path segments → role (lower case; a segment matches whole, or before `.html`/`.php`). */
const KEYWORDS: Record<Role, string[]> = {
  awareness: [
    'blog',
    'blogs',
    'news',
    'article',
    'articles',
    'artikel',
    'berita',
    'stories',
    'story',
    'magazine',
    'guide',
    'guides',
    'learn',
    'resources',
    'press',
    'aktuelles',
    'actualites',
    'noticias',
    'notizie',
    'nieuws',
  ],
  consideration: [
    'product',
    'products',
    'p',
    'item',
    'items',
    'shop',
    'store',
    'category',
    'categories',
    'collection',
    'collections',
    'catalog',
    'catalogue',
    'pricing',
    'prices',
    'price',
    'plans',
    'plan',
    'compare',
    'comparison',
    'features',
    'reviews',
    'testimonials',
    'faq',
    'faqs',
    'search',
    'deals',
    'sale',
    'offers',
    // id, de, fr, es, pt, it, nl
    'produk',
    'kategori',
    'harga',
    'paket',
    'toko',
    'ulasan',
    'bandingkan',
    'cari',
    'pencarian',
    'promo',
    'produkt',
    'produkte',
    'kategorie',
    'preise',
    'vergleich',
    'bewertungen',
    'suche',
    'angebote',
    'produit',
    'produits',
    'categorie',
    'tarifs',
    'prix',
    'boutique',
    'avis',
    'comparer',
    'recherche',
    'producto',
    'productos',
    'categoria',
    'categorias',
    'precios',
    'tienda',
    'opiniones',
    'comparar',
    'buscar',
    'produto',
    'produtos',
    'precos',
    'loja',
    'avaliacoes',
    'pesquisa',
    'prodotto',
    'prodotti',
    'prezzi',
    'negozio',
    'recensioni',
    'cerca',
    'producten',
    'prijzen',
    'winkel',
    'zoeken',
  ],
  decision: [
    'cart',
    'basket',
    'bag',
    'checkout',
    'payment',
    'pay',
    'order-confirmation',
    'confirmation',
    'thank-you',
    'thankyou',
    'thanks',
    'signup',
    'sign-up',
    'register',
    'registration',
    'trial',
    'free-trial',
    'keranjang',
    'bayar',
    'pembayaran',
    'daftar',
    'terima-kasih',
    'warenkorb',
    'kasse',
    'bezahlen',
    'zahlung',
    'registrieren',
    'danke',
    'panier',
    'paiement',
    'commande',
    'inscription',
    'merci',
    'carrito',
    'pago',
    'registro',
    'gracias',
    'carrinho',
    'pagamento',
    'cadastro',
    'obrigado',
    'carrello',
    'cassa',
    'grazie',
    'winkelwagen',
    'afrekenen',
    'bedankt',
  ],
  retention: [
    'account',
    'my-account',
    'myaccount',
    'profile',
    'login',
    'log-in',
    'signin',
    'sign-in',
    'orders',
    'order-history',
    'my-orders',
    'track-order',
    'tracking',
    'returns',
    'return',
    'refund',
    'refunds',
    'reorder',
    'support',
    'help',
    'helpdesk',
    'contact-support',
    'tickets',
    'subscription',
    'subscriptions',
    'billing',
    'dashboard',
    'settings',
    'akun',
    'masuk',
    'pesanan',
    'bantuan',
    'lacak',
    'konto',
    'mein-konto',
    'anmelden',
    'bestellungen',
    'hilfe',
    'retoure',
    'compte',
    'mon-compte',
    'connexion',
    'commandes',
    'aide',
    'retours',
    'cuenta',
    'mi-cuenta',
    'pedidos',
    'ayuda',
    'devoluciones',
    'conta',
    'minha-conta',
    'entrar',
    'ajuda',
    'devolucoes',
    'accedi',
    'ordini',
    'aiuto',
    'assistenza',
    'inloggen',
    'bestellingen',
  ],
  advocacy: [
    'review',
    'write-review',
    'write-a-review',
    'refer',
    'referral',
    'referrals',
    'refer-a-friend',
    'invite',
    'share',
    'ambassador',
    'affiliate-program',
    'ajak',
    'empfehlen',
    'parrainage',
    'referidos',
    'indicacao',
    'invita',
  ],
};

const KEYWORD_ROLES = new Map<string, Role>();
for (const [role, words] of Object.entries(KEYWORDS) as [Role, string[]][]) for (const w of words) KEYWORD_ROLES.set(w, role);

/** Query parameters that mean a site search (as the SDK's default `search` option). */
const SEARCH_PARAMS = ['q', 's', 'search', 'query', 'keyword', 'keywords', 'term'];

/**
 * The role a URL path's keywords give: decision if any segment is a checkout keyword (a checkout
 * flow's own pages — `/checkout/account`, `/cart/login` — are the decision however they are
 * named), else the deepest segment that is a keyword.
 */
export function pathRole(path: string | null): Role | null {
  if (!path) return null;
  const roles = path
    .toLowerCase()
    .split('/')
    .map((segment) => {
      let s = segment;
      try {
        s = decodeURIComponent(s);
      } catch {
        // keep it encoded
      }
      return KEYWORD_ROLES.get(
        s
          .replace(/\.(html?|php|aspx?)$/, '')
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, ''),
      );
    })
    .filter((r): r is Role => r !== undefined);
  return roles.includes('decision') ? 'decision' : (roles.at(-1) ?? null);
}

/** True when the URL's query holds a non-empty site search term. */
export function isSiteSearch(url: string | null): boolean {
  if (!url || !url.includes('?')) return false;
  try {
    const q = new URL(url, 'http://relative.invalid').searchParams;
    return SEARCH_PARAMS.some((p) => (q.get(p) ?? '').trim() !== '');
  } catch {
    return false;
  }
}

/** The role a page's signals give, first that applies: hint, path keywords, site search. */
export function pageRole(path: string | null, url: string | null, hint: string | null): Role | null {
  return (hint && HINT_ROLES[hint]) || pathRole(path) || (isSiteSearch(url) ? 'consideration' : null);
}
