"""The source article, as data: its three files as printed, and each of its claims with a verdict.

Notebook 12 renders the claims as a table (``workbook.errata``); ``tests/test_errata.py``
checks that every piece of evidence names a notebook that exists and a heading it has.
The files are transcribed exactly from the article, missing spaces included.
"""

from __future__ import annotations

from dataclasses import dataclass

ARTICLE_DOCKERFILE = """\
FROM python:3.7

WORKDIR /usr/src/app

COPY requirements.txt.

RUN pip install --no-cache-dir -r requirements.txt

COPY..

CMD [ "python", "./run.py" ]
"""

ARTICLE_REQUIREMENTS = "Flask==1.1.2\n"

ARTICLE_COMPOSE = """\
version: '3'
services:
  web:
    build:./   # 指定 Dockerfile 的路径
    ports:
      - "5000:5000"   # 映射端口号
    volumes:
      -./:/usr/src/app   # 把当前目录映射到容器内
    command: gunicorn -b :5000 run:app    # 指定启动命令
    environment:
      FLASK_ENV: development    # 设置环境变量
"""

ARTICLE_BUILD_COMMAND = "docker build -t myimage:latest."

VERDICTS = ("correct", "outdated", "wrong", "typo", "unverifiable")


@dataclass(frozen=True)
class Evidence:
    """Where the workbook shows a claim run: a notebook (file stem) and one of its headings (or None)."""

    notebook: str
    heading: str | None = None


@dataclass(frozen=True)
class Claim:
    """One claim or instruction of the article, where it stands, and its verdict."""

    key: str
    part: str
    quote: str
    translation: str
    verdict: str
    note: str
    evidence: tuple[Evidence, ...] = ()


def E(notebook: str, heading: str | None = None) -> Evidence:  # noqa: N802 (reads like a table cell)
    """Shorthand for the table below."""
    return Evidence(notebook, heading)


# One claim in a few lines, in the article's order: the table reads like the article.
# fmt: off
N00, N01, N02, N03, N04 = "00-setup", "01-flask-app", "02-dockerfile", "03-image", "04-container"
N05, N06, N07, N08 = "05-daemon", "06-client", "07-registry", "08-compose"
N09, N10, N11, N12 = "09-production", "10-performance", "11-swarm", "12-errata"
H02_1, H02_2 = "1. The article's Dockerfile, exactly as printed", "2. Spaces fixed: Flask 1.1.2 meets today's packages"
H02_3, H02_4 = "3. Fix A: pin the whole old set", "4. Fix B: current Flask, and the workbook's own Dockerfile"
H08_1, H08_2 = "1. The article's compose file, exactly as printed", "2. The article's stack, brought `up`"
H08_3, H08_4 = "3. The corrected `compose/compose.yaml`", "4. Development mode: a bind mount and a reloading server"
H12_2, H12_3 = "2. Re-run here: what the builder and Compose say", "3. The article's files beside the workbook's"

H03_1, H03_3 = "1. Build with the CLI", "3. Name, tag, ID, digest — and the image store"
H03_4, H03_6 = "4. What the Dockerfile became: `docker image inspect`", "6. The build cache, measured"
H04_1, H04_2 = "1. Run it detached, on 127.0.0.1", "2. Looking at a running container"
H05_1, H05_3 = "1. The daemon and its socket", "3. The Engine API over the socket — standard library only"
H06_1 = "1. One task, three clients, the same API calls"
H07_3 = "3. Delete the local copy, pull it back — by tag and by digest"
H00_RUN, H00_PREP = "A first container", "The article's preparation step, made real"
H08_5 = "5. A real multi-container app: Flask and Redis"

CLAIMS: tuple[Claim, ...] = (
    Claim("any-environment", "§1",
          "任何环境都可以自动安装并运行这些单元，包括本地笔记本电脑、服务器或云端虚拟机",
          "any environment — laptop, server or cloud VM — can install and run these units", "correct",
          "Wherever an engine runs for the image's OS and CPU architecture; Macs and PCs run Linux in a VM.",
          (E(N00, H00_RUN), E(N11))),
    Claim("history", "§2", "通过FTP上传文件……网站需要兼容不同浏览器、数据库和服务器等环境",
          "sites were updated over FTP; they had to suit different browsers, databases and servers", "unverifiable",
          "History, not a testable claim; browser compatibility is a client-side matter Docker does not touch."),
    Claim("open-source", "§2", "它是一个开源项目，提供了构建和运行容器化应用的工具",
          "it is an open-source project with tools to build and run containerised apps", "correct",
          "The engine (Moby) and CLI are open source; this machine runs Debian's build of them.",
          (E(N00, H00_PREP),)),
    Claim("one-command", "§2", "只需通过一条指令就可以启动容器", "one command starts a container", "correct",
          "`docker run`.", (E(N00, H00_RUN), E(N04, H04_1))),
    Claim("no-compat-worries", "§2", "无须担心环境兼容性问题",
          "no need to worry about environment compatibility", "wrong",
          "A built image keeps its environment; rebuilt today, the article's own Dockerfile gives a Flask "
          "that does not import.", (E(N02, H02_2),)),
    Claim("business-logic", "§2", "让开发人员更加关注业务逻辑……在网站技术革命中扮演了举足轻重的角色",
          "developers focus on business logic; Docker played a pivotal role in a web revolution", "unverifiable",
          "Opinion."),
    Claim("essential-skill", "§2",
          "由于 Docker 成为开发者必备技能，因此许多公司都选择 Docker 来部署 Web 服务",
          "Docker is a must-have skill, so many companies deploy web services with it", "unverifiable",
          "No source given."),
    Claim("over-90-percent", "§2", "据统计，全球已有超过 90% 的网站都是采用 Docker 来部署的",
          "according to statistics, over 90% of the world's websites are deployed with Docker", "unverifiable",
          "No statistic is cited and none can be run here; how a site is deployed is not visible from outside."),
    Claim("named-companies", "§2", "包括 Netflix、Amazon、Facebook、Twitter、Uber 和 Yahoo！等知名互联网企业",
          "including Netflix, Amazon, Facebook, Twitter, Uber and Yahoo!", "unverifiable",
          "No source given; nothing here can check another company's servers."),
    Claim("dockerfile-is-recipe", "§3.1", "Dockerfile……是用来构建 Docker 镜像的描述文件",
          "a Dockerfile is the description file an image is built from", "correct", "",
          (E(N02, H02_4), E(N03, H03_1))),
    Claim("dockerfile-network", "§3.1", "定义……怎样设置环境变量、工作目录、网络配置等",
          "it sets environment variables, the working directory, network configuration", "wrong",
          "`ENV` and `WORKDIR` yes; networking no: `EXPOSE` only documents a port, `docker run -p` and Compose "
          "publish it.", (E(N03, H03_4), E(N04, H04_1))),
    Claim("version-control", "§3.1",
          "每当我们对 Dockerfile 文件做出改变时，都会生成新的 Docker 镜像，从而达到版本控制效果",
          "each change to the Dockerfile generates a new image, which gives version control", "wrong",
          "Nothing is generated until you build; an unchanged Dockerfile rebuilt later can give another image; "
          "tags move. Version control is git, plus tags and digests.",
          (E(N03, H03_6), E(N03, H03_3), E(N07, H07_3))),
    Claim("image-template", "§3.2", "Docker Image 是 Docker 引擎用于创建、运行容器的只读模板",
          "an image is the read-only template the engine creates and runs containers from", "correct", "",
          (E(N03, "5. Layers"), E(N04, "5. Where data lives"))),
    Claim("image-all-files", "§3.2", "它包含了运行某个应用所需要的所有环境和文件",
          "it holds all the environment and files an app needs", "correct",
          "All but the kernel: containers share the host's.", (E(N00, H00_RUN),)),
    Claim("image-executable", "§3.2", "可以看作一个编译后的 executable 文件",
          "think of it as a compiled executable", "wrong",
          "An image is file-system layers plus JSON settings, not a program.",
          (E(N03, "8. An image is files plus JSON: `docker save`"),)),
    Claim("container-running", "§3.3", "Docker Container（容器）则是一个运行中的镜像实例",
          "a container is a running instance of an image", "correct",
          "It also exists when not running: created, paused, exited.",
          (E(N04, "3. The lifecycle"), E(N08, H08_2))),
    Claim("container-api", "§3.3", "可以通过 Docker 命令行操作或者 Docker API 操作创建、启动、停止和删除",
          "it is created, started, stopped and removed through the CLI or the API", "correct", "",
          (E(N05, "Create, start, query, stop and remove — by hand"),)),
    Claim("container-id", "§3.3", "每个容器都有一个唯一的 ID", "every container has a unique ID", "correct", "",
          (E(N04, H04_2),)),
    Claim("one-or-more-images", "§3.3", "并且可以由一个或者多个 Docker images 创建",
          "and it can be created from one or more images", "wrong",
          "Exactly one: `docker inspect` shows one `Image`.", (E(N04, H04_2),)),
    Claim("daemon", "§3.4", "Docker Daemon（守护进程）监听 Docker API 请求，然后管理 Docker 对象",
          "the daemon listens for API requests and manages Docker objects", "correct", "",
          (E(N05, H05_1), E(N05, H05_3))),
    Claim("daemon-background", "§3.4",
          "它是一个长期运行的后台进程，同样也是 Docker 客户端和服务端通信的基础",
          "a long-running background process, the basis of client–server communication", "correct", "",
          (E(N05, H05_1),)),
    Claim("client", "§3.5", "Docker Client（客户端）负责向 Docker daemon 提供请求并接收响应",
          "the client sends the daemon requests and receives the answers", "correct", "", (E(N06, H06_1),)),
    Claim("client-cli-gui", "§3.5", "它是一个命令行接口或者一个图形界面程序",
          "it is a CLI or a graphical program", "correct",
          "Incomplete: any program that speaks the Engine API is one (the SDK, twenty lines of HTTP).",
          (E(N06, H06_1),)),
    Claim("client-verbs", "§3.5",
          "用户可以使用 Docker client 来创建、启动、停止、删除 Docker containers 或 images",
          "with the client you create, start, stop and remove containers or images", "correct", "",
          (E(N04, "3. The lifecycle"),)),
    Claim("registry", "§3.6", "Docker Registry（仓库）用来保存、分享、检索 Docker Images",
          "a registry stores, shares and serves images", "correct", "", (E(N07, "2. Tag and push"), E(N07, H07_3))),
    Claim("registry-own", "§3.6",
          "你可以自建自己的 Docker Registry ，也可以使用公共的云厂商提供的 Registry",
          "you can run your own registry or use a cloud provider's", "correct",
          "The workbook runs its own; a cloud registry is not reachable from here.",
          (E(N07, "1. A registry in a container"),)),
    Claim("registry-password", "§3.6", "通过 Docker client 访问私有 Registry 时，需要通过用户名密码认证",
          "a private registry needs a user name and password", "wrong",
          "Authentication is the registry's choice: 07 pushes to one without any; access tokens and credential "
          "helpers replace passwords.",
          (E(N07, "2. Tag and push"), E(N07, "5. A registry with user names and passwords"))),
    Claim("compose", "§3.7", "Compose 是 Docker 官方提供的一个项目，用来定义和运行 multi-container 应用",
          "Compose is Docker's tool to define and run multi-container apps", "correct", "", (E(N08, H08_5),)),
    Claim("compose-one-command", "§3.7", "然后通过一个命令快速启动和停止所有服务",
          "one command starts and stops every service", "correct", "", (E(N08, H08_3),)),
    Claim("docker-ce", "§4.1", "安装 Docker CE", "install Docker CE", "correct",
          "Docker's packages are still `docker-ce`; the product is now called Docker Engine (Docker Desktop on "
          "Mac and Windows), and distributions ship their own (`docker.io` here).",
          (E(N00, H00_PREP),)),
    Claim("hub-account", "§4.1", "配置好 Docker Hub 账户", "set up a Docker Hub account", "wrong",
          "Nothing in the case study uses it: nothing is pushed, and public images pull without an account.",
          (E(N07, "7. Docker Hub, the article's account step"),)),
    Claim("flask-app", "§4.2", "return 'Hello World!'", "the five-line Flask app", "correct",
          "It answers `Hello World!` — once a server runs it (it never calls `app.run()`).",
          (E(N01, "The app"), E(N01, "Test it without a server"))),
    Claim("python-3.7", "§4.3", "FROM python:3.7", "the base image", "outdated",
          "Python 3.7 reached its end of life in June 2023; the workbook takes a pinned slim base as a build "
          "argument.", (E(N02, H02_2), E(N03, "7. Size"))),
    Claim("workdir", "§4.3", "WORKDIR /usr/src/app", "the working directory", "correct", "", (E(N02, H02_4),)),
    Claim("copy-requirements", "§4.3", "COPY requirements.txt.", "copy the requirements", "typo",
          "No space before `.`: BuildKit finds no destination and stops before any step.",
          (E(N02, H02_1), E(N12, H12_2))),
    Claim("pip-install", "§4.3", "RUN pip install --no-cache-dir -r requirements.txt",
          "install the requirements before the code", "correct",
          "The article's good part: the cache keeps `pip install` when only the code changes.", (E(N03, H03_6),)),
    Claim("copy-dot", "§4.3", "COPY..", "copy the code", "typo", "`COPY..` is no instruction (`COPY . .`).",
          (E(N02, H02_1),)),
    Claim("cmd-run-py", "§4.3", 'CMD [ "python", "./run.py" ]', "start the app with python ./run.py", "wrong",
          "`run.py` never calls `app.run()`: the container exits with status 0 at once.", (E(N02, H02_3),)),
    Claim("dev-server", "§4.3", 'CMD [ "python", "./run.py" ]', "(with `app.run()`) Flask's server as the CMD",
          "wrong", "That is Flask's development server, which itself warns against production use; "
          "the workbook runs gunicorn.", (E(N01, "Run it with Flask's development server"), E(N09), E(N10))),
    Claim("flask-1.1.2", "§4.3", "Flask==1.1.2", "requirements.txt pins Flask 1.1.2 only", "outdated",
          "Next to today's Jinja2 it fails on import; it works only with the whole old set pinned.",
          (E(N02, H02_2), E(N02, H02_3))),
    Claim("copy-into-dockerfile", "§4.3",
          "将 Flask 应用相关文件（run.py、static/templates/...）复制到 Dockerfile 中",
          "copy the app's files (run.py, static/templates/…) into the Dockerfile", "wrong",
          "Files go into the build context folder, and `COPY` copies them into the image; the Dockerfile holds "
          "instructions only (and this app has no static/ or templates/).", (E(N02, H02_4), E(N03, H03_1))),
    Claim("docker-build", "§4.3", "docker build -t myimage:latest.", "build the image", "typo",
          "The dot joined the tag, so the command has no build context.", (E(N03, H03_1), E(N12, H12_2))),
    Claim("compose-file-name", "§4.4", "在项目根目录下新建 docker-compose.yml 文件",
          "create docker-compose.yml in the project folder", "correct",
          "Still read by Compose v2; `compose.yaml` is today's preferred name.", (E(N08, H08_1),)),
    Claim("version", "§4.4", "version: '3'", "the file format version", "outdated",
          "Compose v2 ignores it and warns on every command.", (E(N08, H08_1), E(N12, H12_2))),
    Claim("build-typo", "§4.4", "build:./", "build from the current folder", "typo",
          "No space after the colon: the YAML does not parse.", (E(N08, H08_1), E(N12, H12_2))),
    Claim("ports", "§4.4", '- "5000:5000"', "publish port 5000", "correct",
          "Works, on every interface of the host: the workbook publishes on 127.0.0.1.",
          (E(N04, H04_1), E(N08, H08_1))),
    Claim("volume-typo", "§4.4", "-./:/usr/src/app", "mount the current folder", "typo",
          "No space after the dash: not a list item, Compose rejects `volumes`.", (E(N08, H08_1), E(N12, H12_2))),
    Claim("bind-mount", "§4.4", "把当前目录映射到容器内", "map the current folder into the container", "wrong",
          "The mount hides what the image copied to /usr/src/app: fine for development, not a deployment.",
          (E(N08, H08_2), E(N08, H08_4))),
    Claim("gunicorn-missing", "§4.4", "command: gunicorn -b :5000 run:app", "start the app with gunicorn", "wrong",
          "It replaces the image's `CMD`, and the article's requirements.txt never installs gunicorn: exit code 127.",
          (E(N08, H08_2), E(N12, H12_3))),
    Claim("flask-env", "§4.4", "FLASK_ENV: development", "turn on development mode", "outdated",
          "Deprecated in Flask 2.2, removed in 2.3: it does nothing today; `FLASK_DEBUG=1` does.",
          (E(N08, H08_4), E(N12, H12_2))),
    Claim("compose-up", "§4.4", "执行 `docker compose up` 命令，启动服务",
          "run docker compose up to start the service", "wrong",
          "The command is today's, but the article's stack does not start (typos, then no gunicorn).",
          (E(N08, H08_2), E(N08, H08_3))),
    Claim("deployment-done", "§4", "至此，整个部署流程就结束了", "that completes the deployment", "wrong",
          "Nothing in it ever answered a request, and it is a development setup; a deployment is 09–11's work.",
          (E(N08, H08_2), E(N09), E(N11))),
    Claim("compose-down", "§4", "直接执行 `docker compose down`，就可以停止所有的容器",
          "docker compose down stops all the containers", "correct",
          "It stops and removes them and the network; volumes stay unless `-v`.", (E(N08, H08_3), E(N08, H08_5))),
)

REQUIRED = (
    "copy-requirements", "copy-dot", "build-typo", "volume-typo", "python-3.7", "flask-1.1.2", "flask-env",
    "version", "bind-mount", "dev-server", "gunicorn-missing", "one-or-more-images", "version-control",
    "over-90-percent",
)
"""The claims issue 12 names: the table must hold each of them."""
# fmt: on
