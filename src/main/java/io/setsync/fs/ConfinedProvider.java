package io.setsync.fs;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The plain provider's operations, each made through the file system's {@link Confinement}: as
 * its identity, once the path is found inside its roots. What an operation opens (a channel, a
 * directory stream) is then read and written without further checks, as the kernel does for an
 * open descriptor. Attribute views are proxied, since their setters touch the file later.
 */
final class ConfinedProvider extends FileSystemProvider {

  private final ConfinedFileSystem fs;
  private final FileSystemProvider plain;

  ConfinedProvider(ConfinedFileSystem fs, FileSystemProvider plain) {
    this.fs = fs;
    this.plain = plain;
  }

  private Confinement confinement() {
    return fs.confinement();
  }

  private static Path unwrap(Path p) {
    return ConfinedPath.unwrap(p);
  }

  private static boolean follows(Object[] options) {
    return options == null || !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean follows(Set<? extends OpenOption> options) {
    return !options.contains(LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public String getScheme() {
    return "setsync-confined";
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("confined file systems are made by Confinement.confine");
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    throw new UnsupportedOperationException("confined file systems are made by Confinement.confine");
  }

  @Override
  public Path getPath(URI uri) {
    throw new UnsupportedOperationException("confined file systems are made by Confinement.confine");
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    Path p = unwrap(path);
    return confinement().access(p, follows(options), () -> plain.newByteChannel(p, options, attrs));
  }

  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    Path p = unwrap(path);
    return confinement().access(p, follows(options), () -> plain.newFileChannel(p, options, attrs));
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    Path p = unwrap(dir);
    DirectoryStream<Path> listed = confinement().access(p, true,
        () -> plain.newDirectoryStream(p, entry -> filter.accept(fs.wrap(entry))));
    return new DirectoryStream<>() {
      @Override
      public Iterator<Path> iterator() {
        Iterator<Path> entries = listed.iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return entries.hasNext();
          }

          @Override
          public Path next() {
            return fs.wrap(entries.next());
          }
        };
      }

      @Override
      public void close() throws IOException {
        listed.close();
      }
    };
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    Path p = unwrap(dir);
    confinement().access(p, false, () -> {
      plain.createDirectory(p, attrs);
      return null;
    });
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
    // The target is text stored in the link: following the link later is what gets checked.
    Path p = unwrap(link);
    confinement().access(p, false, () -> {
      plain.createSymbolicLink(p, unwrap(target), attrs);
      return null;
    });
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    Path p = unwrap(link);
    Path e = unwrap(existing);
    confinement().access(e, false, p, () -> {
      plain.createLink(p, e);
      return null;
    });
  }

  @Override
  public void delete(Path path) throws IOException {
    Path p = unwrap(path);
    confinement().access(p, false, () -> {
      plain.delete(p);
      return null;
    });
  }

  @Override
  public boolean deleteIfExists(Path path) throws IOException {
    Path p = unwrap(path);
    return confinement().access(p, false, () -> plain.deleteIfExists(p));
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    Path p = unwrap(link);
    return fs.wrap(confinement().access(p, false, () -> plain.readSymbolicLink(p)));
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    Path s = unwrap(source);
    Path t = unwrap(target);
    confinement().access(s, follows(options), t, () -> {
      plain.copy(s, t, options);
      return null;
    });
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    Path s = unwrap(source);
    Path t = unwrap(target);
    confinement().access(s, false, t, () -> {
      plain.move(s, t, options);
      return null;
    });
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    Path a = unwrap(path);
    Path b = unwrap(path2);
    return confinement().access(a, true, b, () -> plain.isSameFile(a, b));
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    return plain.isHidden(unwrap(path));
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    Path p = unwrap(path);
    return confinement().access(p, true, () -> plain.getFileStore(p));
  }

  /**
   * Only whether the file can be reached: the kernel's access(2) judges by the process's real ids,
   * not the thread's file-system ones, so a check of modes here would answer for the wrong account.
   */
  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    if (modes.length > 0) {
      throw new UnsupportedOperationException(
          "access checks by mode cannot be made as account " + confinement().identity().account()
              + ": make the access itself");
    }
    Path p = unwrap(path);
    confinement().access(p, true, () -> plain.readAttributes(p, BasicFileAttributes.class));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
    Path p = unwrap(path);
    V view = plain.getFileAttributeView(p, type, options);
    if (view == null) return null;
    boolean follow = follows(options);
    return (V) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) return method.invoke(view, args);
      return confinement().access(p, follow, () -> {
        try {
          return method.invoke(view, args);
        } catch (InvocationTargetException e) {
          if (e.getCause() instanceof IOException io) throw io;
          if (e.getCause() instanceof RuntimeException re) throw re;
          throw new IOException(e.getCause());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      });
    });
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
      throws IOException {
    Path p = unwrap(path);
    return confinement().access(p, follows(options), () -> plain.readAttributes(p, type, options));
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
    Path p = unwrap(path);
    return confinement().access(p, follows(options), () -> plain.readAttributes(p, attributes, options));
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
    Path p = unwrap(path);
    confinement().access(p, follows(options), () -> {
      plain.setAttribute(p, attribute, value, options);
      return null;
    });
  }
}
