# movesbot's image for docker-compose.yml: the package and the dataset, nothing else (no token: it comes from the
# environment at run time, and .dockerignore keeps .env out of the build).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir .
COPY data ./data
ENV MOVESBOT_DATA=/app/data PYTHONUNBUFFERED=1
CMD ["movesbot", "run"]
