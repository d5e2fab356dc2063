package org.openmaas.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Products added, changed and removed while the server runs. A new or changed product's model loads in the
 * background, one at a time; a changed product keeps serving from its old engine until the new one has loaded and
 * taken its place. An engine that leaves the catalog (replaced or removed) takes no new request and is closed once
 * the generations it has are over, so no stream is cut by a change.
 */
public final class ProductLifecycle implements AutoCloseable {

    /** Opens a product's engine: the model file's, or a pool over its upstreams. */
    @FunctionalInterface
    public interface Loader {
        CatalogEntry load(ProductConfig product) throws Exception;
    }

    public enum Phase { LOADING, SERVING, FAILED }

    /**
     * The latest configuration asked for a product and how far it got.
     *
     * @param error why it failed to load (FAILED only)
     */
    public record Status(ProductConfig config, Phase phase, Optional<String> error) {
    }

    /** A status as the catalog shows it: {@code entry} is what serves now (an older configuration while loading). */
    public record View(Status status, Optional<CatalogEntry> entry) {
    }

    /** Each load asked gets a number, so a load overtaken by a later change or a removal is thrown away. */
    private record Tracked(Status status, long load) {
    }

    private static final Logger LOG = Logger.getLogger(ProductLifecycle.class.getName());

    /**
     * A request that found the old entry just before it left the catalog reaches its engine within moments; the
     * drain waits this long before it takes an idle engine to be done with.
     */
    private static final Duration SETTLE = Duration.ofMillis(200);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Catalog catalog;
    private final Loader loader;
    private final Runnable onChange;
    private final Map<String, Tracked> products = new LinkedHashMap<>();
    private final Set<CatalogEntry> draining = new HashSet<>();
    private final ExecutorService loads = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("maas-product-loader").daemon().factory());
    private long loadCount;
    private boolean closed;

    /**
     * @param onChange runs after a product starts serving or leaves the catalog, until {@link #stopChanges()}; it must
     *                 be quick, as it runs holding this lifecycle's lock
     */
    public ProductLifecycle(Catalog catalog, Loader loader, Runnable onChange) {
        this.catalog = catalog;
        this.loader = loader;
        this.onChange = onChange;
    }

    /** Takes the products the start loaded into the catalog as serving. */
    public synchronized void adoptLoaded() {
        catalog.entries().forEach(e -> products.putIfAbsent(e.product().productName(),
                new Tracked(new Status(e.config(), Phase.SERVING, Optional.empty()), 0)));
    }

    /** Every product asked for, in the order they were first asked, with what serves for each now. */
    public synchronized List<View> list() {
        return products.values().stream().map(t -> view(t.status())).toList();
    }

    public synchronized View find(String productName) {
        Tracked tracked = products.get(productName);
        if (tracked == null) {
            throw notFound(productName);
        }
        return view(tracked.status());
    }

    /** Starts loading a product that is not in the catalog; it serves once loaded. */
    public synchronized View add(ProductConfig product) {
        if (products.containsKey(product.productName())) {
            throw new ProductChangeException.AlreadyExists("product " + product.productName() + " already exists; "
                    + "change it with PUT /v1/admin/products/" + product.productName() + " (maas admin products set)");
        }
        requireOwnId(product);
        return load(product);
    }

    /** Starts loading a product's new configuration; its old one serves until the new one has loaded. */
    public synchronized View set(ProductConfig product) {
        if (!products.containsKey(product.productName())) {
            throw notFound(product.productName());
        }
        requireOwnId(product);
        return load(product);
    }

    /** Takes a product out of the catalog at once; the generations it has finish on its engine, which then closes. */
    public void remove(String productName) {
        synchronized (this) {
            requireOpen();
            if (products.remove(productName) == null) {
                throw notFound(productName);
            }
            catalog.remove(productName).ifPresent(this::drain);
            LOG.info("product " + productName + " is removed: it takes no new requests");
            onChange.run();
        }
    }

    /**
     * Makes the catalog {@code wanted}, as the calls one by one would: products not in it are removed, new ones added,
     * changed ones (and ones that failed to load) loaded again. Products whose configuration is the same are left
     * alone, their engines untouched.
     *
     * @return what was done, one line per product, for the log
     */
    public List<String> apply(List<ProductConfig> wanted) {
        List<String> done = new ArrayList<>();
        Set<String> names = new HashSet<>();
        wanted.forEach(p -> names.add(p.productName()));
        List<String> gone;
        synchronized (this) {
            gone = products.keySet().stream().filter(name -> !names.contains(name)).toList();
        }
        for (String name : gone) {
            remove(name);
            done.add("removed " + name);
        }
        synchronized (this) {
            for (ProductConfig product : wanted) {
                Tracked now = products.get(product.productName());
                if (now == null) {
                    add(product);
                    done.add("added " + product.productName());
                } else if (!now.status().config().equals(product) || now.status().phase() == Phase.FAILED) {
                    set(product);
                    done.add("changed " + product.productName());
                }
            }
        }
        return done;
    }

    /**
     * The server stops: no change is taken from now on, a load under way is thrown away, and {@code onChange} no longer
     * runs (so it cannot undo the stop's "not ready").
     */
    public void stopChanges() {
        synchronized (this) {
            closed = true;
        }
        loads.shutdownNow();
    }

    /** Closes the engines that left the catalog and still drain: the server's grace period for them is over. */
    @Override
    public void close() {
        stopChanges();
        List<CatalogEntry> left;
        synchronized (this) {
            left = List.copyOf(draining);
            draining.clear();
        }
        left.forEach(e -> e.engine().close());
    }

    /** Engines that left the catalog and still run generations, which a stop waits for as for the catalog's. */
    public synchronized int drainingGenerations() {
        return draining.stream().mapToInt(e -> e.engine().load().active() + e.engine().load().queued()).sum();
    }

    private View view(Status status) {
        return new View(status, catalog.find(status.config().productName()));
    }

    private static ProductChangeException.NotFound notFound(String productName) {
        return new ProductChangeException.NotFound("no product " + productName + "; GET /v1/admin/products (maas "
                + "admin products list) lists them");
    }

    /** Clients may address a product by its id, so two products never share one. */
    private void requireOwnId(ProductConfig product) {
        products.values().stream().map(t -> t.status().config())
                .filter(p -> p.productId().equals(product.productId()) && !p.productName().equals(product.productName()))
                .findFirst().ifPresent(other -> {
                    throw new ProductChangeException.AlreadyExists("product_id " + product.productId() + " is "
                            + other.productName() + "'s; give " + product.productName() + " another (or none: it is "
                            + "then derived from the name)");
                });
    }

    private void requireOpen() {
        if (closed) {
            throw new ProductChangeException.Stopping("the server is stopping; products no longer change");
        }
    }

    private View load(ProductConfig product) {
        requireOpen();
        long load = ++loadCount;
        Status loading = new Status(product, Phase.LOADING, Optional.empty());
        products.put(product.productName(), new Tracked(loading, load));
        loads.execute(() -> run(product, load));
        LOG.info("product " + product.productName() + " is loading " + product.source());
        return view(loading);
    }

    private void run(ProductConfig product, long load) {
        String name = product.productName();
        CatalogEntry entry;
        try {
            entry = loader.load(product);
        } catch (Exception e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            synchronized (this) {
                if (isCurrent(name, load)) {
                    products.put(name, new Tracked(new Status(product, Phase.FAILED, Optional.of(why)), load));
                }
            }
            LOG.log(Level.SEVERE, "product " + name + " cannot load its model " + product.source() + ": " + why
                    + (catalog.find(name).isPresent() ? "; its previous configuration keeps serving" : ""));
            return;
        }
        synchronized (this) {
            if (!isCurrent(name, load)) { // changed again or removed while it loaded: nothing ever reached it
                entry.engine().close();
                return;
            }
            products.put(name, new Tracked(new Status(product, Phase.SERVING, Optional.empty()), load));
            catalog.put(entry).ifPresent(this::drain);
            onChange.run(); // under the lock, so that it never runs after stopChanges() has returned
        }
        LOG.info("product " + name + " serves " + entry.product().modelName() + " from " + product.source());
    }

    private boolean isCurrent(String name, long load) {
        Tracked now = products.get(name);
        return !closed && now != null && now.load() == load;
    }

    /** Closes {@code old}'s engine once the generations it has are over. Called holding the lock. */
    private void drain(CatalogEntry old) {
        draining.add(old);
        Thread.ofVirtual().name("maas-drain-" + old.product().productName()).start(() -> {
            sleep(SETTLE);
            while (old.engine().load().active() + old.engine().load().queued() > 0) {
                sleep(POLL);
            }
            synchronized (this) {
                if (!draining.remove(old)) {
                    return; // close() has closed it
                }
            }
            old.engine().close();
            LOG.info("the previous engine of product " + old.product().productName() + " has finished its "
                    + "generations and is closed");
        });
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
