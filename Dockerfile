# Container image of the Eventline bank example.
# UNTESTED: no container engine exists on the machines this was written on. It follows the README's build
# command and the application's environment variables (PORT, DATABASE_URL, DATA_DIR, SNAPSHOT_FREQUENCY,
# LOG_LEVEL); check it before relying on it.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin eventline \
    && mkdir -p /app/data && chown -R eventline /app
WORKDIR /app
COPY --from=build /src/examples/target/eventline-bank.jar /app/eventline-bank.jar
USER eventline
ENV PORT=8000 \
    DATA_DIR=/app/data \
    SNAPSHOT_FREQUENCY=100 \
    LOG_LEVEL=INFO
# Without DATABASE_URL the events live in an embedded H2 database under DATA_DIR: mount a volume there.
VOLUME ["/app/data"]
EXPOSE 8000
# Health: GET /health answers 200 {"status":"UP",…}, or 503 when the database is unreachable.
ENTRYPOINT ["java", "-jar", "/app/eventline-bank.jar"]
