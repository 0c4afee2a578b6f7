package io.nagatha.support.rest;

import io.quarkus.runtime.configuration.MemorySize;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The body limit for bodies of undeclared length (chunked): counted while they are read, and
 * answered with a 413 problem as soon as they pass it. (A declared length is checked before any of
 * the body is read, by {@link BodyLimitFilter}.) The HTTP layer's own limit,
 * {@code quarkus.http.limits.max-body-size}, sits above this one as a backstop.
 */
@Provider
public class BodyLimitInterceptor implements ReaderInterceptor {

    private final long limit;

    BodyLimitInterceptor(@ConfigProperty(name = "nagatha.http.max-body-size", defaultValue = "256K") MemorySize limit) {
        this.limit = limit.asLongValue();
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Limited body = new Limited(context.getInputStream(), limit);
        context.setInputStream(body);
        try {
            return context.proceed();
        } catch (RuntimeException | IOException e) {
            // The JSON reader wraps what the stream throws: the size is what the client must hear about.
            if (body.over) {
                throw ApiException.tooLarge("the body is over the limit of " + limit + " bytes");
            }
            throw e;
        }
    }

    private static final class Limited extends FilterInputStream {
        private final long limit;
        private long read;
        private boolean over;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                over = true;
                throw ApiException.tooLarge("the body is over the limit of " + limit + " bytes");
            }
        }
    }
}
