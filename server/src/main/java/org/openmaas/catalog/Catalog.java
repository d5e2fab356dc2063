package org.openmaas.catalog;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** The products that can serve now, in the order they were declared. Products are added as their models load, and
 * may be replaced or removed while the server runs ({@link ProductLifecycle}). */
public final class Catalog implements AutoCloseable {

    private final CopyOnWriteArrayList<CatalogEntry> entries = new CopyOnWriteArrayList<>();

    public synchronized void add(CatalogEntry entry) {
        if (find(entry.product().productName()).isPresent()) {
            throw new IllegalArgumentException("product " + entry.product().productName() + " is already in the catalog");
        }
        entries.add(entry);
    }

    /**
     * Serves {@code entry} from now on: in the place of the product of the same name, which is returned (its engine
     * still runs, for the requests it has), or last when there was none.
     */
    public synchronized Optional<CatalogEntry> put(CatalogEntry entry) {
        Optional<CatalogEntry> old = find(entry.product().productName());
        old.ifPresentOrElse(o -> entries.set(entries.indexOf(o), entry), () -> entries.add(entry));
        return old;
    }

    /** Takes the product out: new requests no longer find it; its engine, returned, still runs what it has. */
    public synchronized Optional<CatalogEntry> remove(String productName) {
        Optional<CatalogEntry> old = find(productName);
        old.ifPresent(entries::remove);
        return old;
    }

    public List<CatalogEntry> entries() {
        return List.copyOf(entries);
    }

    public Optional<CatalogEntry> find(String productName) {
        return entries.stream().filter(e -> e.product().productName().equals(productName)).findFirst();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Stops every engine; products leave the catalog first so no new request reaches a closing engine. */
    @Override
    public void close() {
        List<CatalogEntry> closing = List.copyOf(entries);
        entries.clear();
        closing.forEach(e -> e.engine().close());
    }
}
