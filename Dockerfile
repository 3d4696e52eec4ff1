# Gradient Descent Lab for a class: `docker build -t gdlab . && docker run -p 8501:8501 gdlab`
# One Streamlit process per core behind nginx (python -m deploy), sticky per browser.
FROM python:3.11-slim

# Debian's Chromium lets kaleido export PNG/SVG and the report print to PDF; Debian's nginx
# spreads the learners over one Streamlit process per core.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core curl nginx \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --create-home --uid 1000 lab && chown -R lab /app
USER lab

ENV CHROMIUM=/usr/bin/chromium PYTHONUNBUFFERED=1
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fs http://127.0.0.1:8501/_stcore/health || exit 1
# One process per core the container may use (docker run --cpuset-cpus 0-3 ...); another
# number: `docker run ... gdlab python -m deploy --processes 4` (e.g. when limiting with --cpus)
CMD ["python", "-m", "deploy", "--address", "0.0.0.0", "--port", "8501"]
